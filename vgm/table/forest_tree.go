package table

import (
	"math"
	"slices"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// A classification tree of the forest: it tells sampled rows (class 1)
// from synthetic ones (class 0) by Gini impurity, trying every feature
// at each node, in random order (a tie goes to the first). An ordinal
// feature splits at a code
// (codes up to it go left); a categorical one by a set of codes, the best
// prefix of its codes ordered by their share of sampled rows (optimal for
// two classes, Breiman et al. 1984). Every child keeps at least minLeaf
// sampled rows, so every leaf does. A node that has sampled rows enough
// to split but no synthetic row left gets new synthetic rows drawn from
// its own rows feature by feature (see redraw), so that it is split on
// until its rows look like the product of its own marginals, which is
// what its component generates.

type tree struct {
	nodes []treeNode
}

type treeNode struct {
	parent int32
	leaf   bool
	feat   int
	thr    int      // ordinal: codes <= thr go left
	set    []uint64 // categorical: codes in the set go left
	l, r   int32
}

// goesLeft reports whether a code takes a node's left branch.
func (nd *treeNode) goesLeft(ordinal bool, code uint16) bool {
	if ordinal {
		return int(code) <= nd.thr
	}
	return nd.set[code>>6]&(1<<(code&63)) != 0
}

// leafRows is a leaf and the sampled rows it holds, ascending.
type leafRows struct {
	node int
	rows []int32
}

// trainRows holds the codes of a tree's training rows row by row, the
// sampled rows first and then the synthetic ones: row i's code of feature
// f is codes[i*stride+f]. A node counts every feature of a row from one
// cache line; with one slice per feature, counting was 39% of the CPU of a
// fit of flights-3m, most of it waiting on memory (perf).
type trainRows struct {
	stride int
	codes  []uint16
}

// newTrainRows holds the sampled rows' codes, followed by room for
// synthetic rows.
func newTrainRows(d *forestData, synthetic int) *trainRows {
	t := &trainRows{stride: len(d.feats), codes: make([]uint16, (d.n+synthetic)*len(d.feats))}
	for f := range d.feats {
		for i, c := range d.feats[f].codes {
			t.codes[i*t.stride+f] = c
		}
	}
	return t
}

// code is feature f's code of training row i.
func (t *trainRows) code(f, i int) uint16 { return t.codes[i*t.stride+f] }

// len is the number of training rows.
func (t *trainRows) len() int { return len(t.codes) / max(t.stride, 1) }

// growTree grows a tree on the sampled rows and the synthetic ones of
// rows, to which it appends the rows that redraw makes.
func growTree(d *forestData, rows *trainRows, minLeaf int, r *rng.Rand) *tree {
	idx := make([]int32, rows.len())
	for i := range idx {
		idx[i] = int32(i)
	}
	t := &tree{}
	mtry := len(d.feats)
	type task struct {
		node int
		part []int32
	}
	t.nodes = append(t.nodes, treeNode{parent: -1})
	stack := []task{{0, idx}}
	order := make([]int, len(d.feats))
	// realAll and synAll count codes per feature: feature f's code c at
	// offset[f]+c.
	offset := make([]int, len(d.feats)+1)
	maxCard := 0
	for f := range d.feats {
		offset[f+1] = offset[f] + d.feats[f].card
		maxCard = max(maxCard, d.feats[f].card)
	}
	realAll := make([]float64, offset[len(d.feats)])
	synAll := make([]float64, offset[len(d.feats)])
	seqBuf := make([]int, 0, maxCard) // a feature's codes present in a node
	for len(stack) > 0 {
		tk := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		part := tk.part
		nr := 0
		for _, i := range part {
			if int(i) < d.n {
				nr++
			}
		}
		if nr < 2*minLeaf {
			t.nodes[tk.node].leaf = true
			continue
		}
		if nr == len(part) {
			part = redraw(d, rows, part, r)
		}
		ns := len(part) - nr
		clear(realAll)
		clear(synAll)
		for _, i := range part {
			counts := synAll
			if int(i) < d.n {
				counts = realAll
			}
			row := rows.codes[int(i)*rows.stride : int(i+1)*rows.stride]
			for f, c := range row {
				counts[offset[f]+int(c)]++
			}
		}
		for f := range order {
			order[f] = f
		}
		best, bestF := math.Inf(-1), -1
		var bestNode treeNode
		for k := 0; k < len(order); k++ {
			// A random feature not tried yet; past mtry, only until one
			// splits.
			if k >= mtry && bestF >= 0 {
				break
			}
			s := k + r.Intn(len(order)-k)
			order[k], order[s] = order[s], order[k]
			f := order[k]
			feat := &d.feats[f]
			realC, synC := realAll[offset[f]:offset[f+1]], synAll[offset[f]:offset[f+1]]
			seq := seqBuf[:0]
			for c := 0; c < feat.card; c++ {
				if realC[c]+synC[c] > 0 {
					seq = append(seq, c)
				}
			}
			if len(seq) < 2 {
				continue
			}
			if !feat.ordinal {
				slices.SortStableFunc(seq, func(a, b int) int {
					pa, pb := realC[a]/(realC[a]+synC[a]), realC[b]/(realC[b]+synC[b])
					switch {
					case pa < pb:
						return -1
					case pa > pb:
						return 1
					}
					return 0
				})
			}
			var lr, ls float64
			tr, ts := float64(nr), float64(ns)
			for q := 0; q < len(seq)-1; q++ {
				lr += realC[seq[q]]
				ls += synC[seq[q]]
				rr, rs := tr-lr, ts-ls
				if lr < float64(minLeaf) || rr < float64(minLeaf) {
					continue
				}
				score := (lr*lr+ls*ls)/(lr+ls) + (rr*rr+rs*rs)/(rr+rs)
				if score > best+1e-9 {
					best, bestF = score, f
					bestNode = treeNode{feat: f}
					if feat.ordinal {
						bestNode.thr = seq[q]
					} else {
						bestNode.set = make([]uint64, (feat.card+63)/64)
						for _, c := range seq[:q+1] {
							bestNode.set[c>>6] |= 1 << (c & 63)
						}
					}
				}
			}
		}
		// No split, or none better than the node itself.
		if bestF < 0 || best <= (float64(nr*nr)+float64(ns*ns))/float64(nr+ns)+1e-9 {
			t.nodes[tk.node].leaf = true
			continue
		}
		ordinal := d.feats[bestF].ordinal
		lo, hi := 0, len(part)
		for lo < hi {
			if bestNode.goesLeft(ordinal, rows.code(bestF, int(part[lo]))) {
				lo++
			} else {
				hi--
				part[lo], part[hi] = part[hi], part[lo]
			}
		}
		bestNode.parent = t.nodes[tk.node].parent
		bestNode.l, bestNode.r = int32(len(t.nodes)), int32(len(t.nodes)+1)
		t.nodes[tk.node] = bestNode
		t.nodes = append(t.nodes, treeNode{parent: int32(tk.node)}, treeNode{parent: int32(tk.node)})
		stack = append(stack, task{int(bestNode.l), part[:lo]}, task{int(bestNode.r), part[lo:]})
	}
	return t
}

// redraw returns a node's sampled rows (all of part) followed by
// forestSynthetic new synthetic rows per sampled row, each feature's code
// that of a random row of the node, drawn independently per feature: the
// product of the node's own marginals. The new rows are appended to rows.
// Without them a node that no row drawn from the global
// marginals reached was a leaf however many rows it held and however
// dependent its columns were (on a table of zip codes with their
// coordinates and states, 40% of the sampled rows sat in such leaves of
// 66 to 1,044 rows, and the states drawn with a zip code matched its
// first three digits' in 46% of generated rows).
func redraw(d *forestData, rows *trainRows, part []int32, r *rng.Rand) []int32 {
	nr := len(part)
	k := forestSynthetic * nr
	first := rows.len()
	rows.codes = slices.Grow(rows.codes, k*rows.stride)[:(first+k)*rows.stride]
	for f := range d.feats {
		codes := d.feats[f].codes
		for q := range k {
			rows.codes[(first+q)*rows.stride+f] = codes[part[r.Intn(nr)]]
		}
	}
	out := make([]int32, nr, nr+k)
	copy(out, part)
	for i := range k {
		out = append(out, int32(first+i))
	}
	return out
}

// leaves routes the sampled rows and returns the leaves that hold some.
func (t *tree) leaves(d *forestData) []leafRows {
	byNode := map[int][]int32{}
	for i := 0; i < d.n; i++ {
		k := 0
		for !t.nodes[k].leaf {
			nd := &t.nodes[k]
			if nd.goesLeft(d.feats[nd.feat].ordinal, d.feats[nd.feat].codes[i]) {
				k = int(nd.l)
			} else {
				k = int(nd.r)
			}
		}
		byNode[k] = append(byNode[k], int32(i))
	}
	out := make([]leafRows, 0, len(byNode))
	for k, rows := range byNode {
		out = append(out, leafRows{node: k, rows: rows})
	}
	slices.SortFunc(out, func(a, b leafRows) int { return a.node - b.node })
	return out
}

// box is the range of codes of every feature that reach a node (only
// ordinal splits narrow it).
func (t *tree) box(node int, d *forestData) [][2]uint16 {
	b := make([][2]uint16, len(d.feats))
	for f := range b {
		b[f] = [2]uint16{0, uint16(d.feats[f].card - 1)}
	}
	for k := node; t.nodes[k].parent >= 0; k = int(t.nodes[k].parent) {
		p := &t.nodes[t.nodes[k].parent]
		if !d.feats[p.feat].ordinal {
			continue
		}
		if int(p.l) == k {
			b[p.feat][1] = min(b[p.feat][1], uint16(p.thr))
		} else {
			b[p.feat][0] = max(b[p.feat][0], uint16(p.thr+1))
		}
	}
	return b
}
