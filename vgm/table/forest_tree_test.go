package table

import (
	"bytes"
	"encoding/json"
	"runtime"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// TestGrowTreeRedraws checks that a node no synthetic row reaches is still
// split on when its features depend on each other: with no synthetic rows
// at all, a tree of two equal features is cut along them (each leaf a
// narrow range of codes) and not left as one leaf of every row.
func TestGrowTreeRedraws(t *testing.T) {
	const n, minLeaf = 2000, 10
	x := make([]uint16, n)
	for i := range x {
		x[i] = uint16(i * uCodes / n)
	}
	d := &forestData{n: n, feats: []feature{
		{col: 0, ordinal: true, card: uCodes + 1, codes: x},
		{col: 1, ordinal: true, card: uCodes + 1, codes: x},
	}}
	r := rng.New(3, 0)
	tr := growTree(d, newTrainRows(d, 0), minLeaf, &r)
	leaves := tr.leaves(d)
	if len(leaves) < n/(8*minLeaf) {
		t.Fatalf("%d leaves, want at least %d", len(leaves), n/(8*minLeaf))
	}
	for _, l := range leaves {
		lo, hi := x[l.rows[0]], x[l.rows[0]]
		for _, i := range l.rows {
			lo, hi = min(lo, x[i]), max(hi, x[i])
		}
		if int(hi-lo) > uCodes/8 {
			t.Errorf("leaf %d holds codes %d to %d, want a range of at most %d", l.node, lo, hi, uCodes/8)
		}
	}
}

// TestRedraw checks that redraw keeps the node's rows first and appends
// forestSynthetic rows per row, each feature's code one of the node's.
func TestRedraw(t *testing.T) {
	d := &forestData{n: 4, feats: []feature{
		{codes: []uint16{1, 2, 3, 4}},
		{codes: []uint16{10, 20, 30, 40}},
	}}
	rows := newTrainRows(d, 1) // one synthetic row, codes 0
	r := rng.New(5, 0)
	part := redraw(d, rows, []int32{1, 3}, &r)
	if len(part) != 2+2*forestSynthetic || part[0] != 1 || part[1] != 3 {
		t.Fatalf("part %v, want rows 1 and 3 and then %d new rows", part, 2*forestSynthetic)
	}
	for k, i := range part[2:] {
		if int(i) != d.n+1+k {
			t.Fatalf("new row %d has index %d, want %d", k, i, d.n+1+k)
		}
		for f, want := range [][2]uint16{{2, 4}, {20, 40}} {
			if c := rows.code(f, int(i)); c != want[0] && c != want[1] {
				t.Errorf("new row %d, feature %d: code %d, want %d or %d", k, f, c, want[0], want[1])
			}
		}
	}
}

// TestForestSameOnAnyCores checks that the forest is the same whether its
// trees are grown on one core or on several (each tree has its own random
// stream).
func TestForestSameOnAnyCores(t *testing.T) {
	prev := runtime.GOMAXPROCS(1)
	one := fitExample(t, ModelTypeForest, 1461)
	runtime.GOMAXPROCS(4)
	four := fitExample(t, ModelTypeForest, 1461)
	runtime.GOMAXPROCS(prev)
	a, err := json.Marshal(one.Forest)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(four.Forest)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("forest on 1 core (%d components) differs from forest on 4 (%d)", len(one.Forest.Components), len(four.Forest.Components))
	}
}
