package table

import (
	"fmt"
	"sort"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// condGen generates the rows of a model with Conditionals by bounded
// rejection: rows are drawn from the model in candidate runs of
// candidateRows and kept where they meet the conditions (on their final
// values, after the rules' repair), so that kept rows follow the model's
// distribution given the conditions. Conditions on a network node are met
// inside the network's draw (nodeCond), so that fewer candidates fail.
//
// The candidates of the rows of block b that fall to Conditional k come
// from seeds derived from (seed, b, k), run after run, whatever the block's
// length: a block is still a function of the model, seed and block index,
// a shorter block a prefix of the full one, and output the same on any
// shard count. A block that straddles two Conditionals takes each part
// from its own candidates.
type condGen struct {
	groups [][]condTest
	nodes  [][]*nodeCond // per Conditional: its conditions on network nodes
	starts []int64       // first output row of each Conditional
	accept []float64     // share of the pilot rows meeting each
}

// candidateRows is the length of a run of candidates: short enough that a
// block's last rows waste few draws, long enough to amortise a Fill.
const candidateRows = 4096

// condSalt and pilotSeed separate the candidates' streams from the
// blocks'.
const (
	condSalt  = 0x636f6e646974696f
	pilotSeed = 0x70696c6f74
)

// newCondGen compiles the model's Conditionals and estimates how often
// each is met from ConditionPilotRows rows, refusing those met less often
// than MinConditionProbability.
func newCondGen(g *Generator) (*condGen, error) {
	m := g.Model
	groups, err := m.compileConditions()
	if err != nil {
		return nil, err
	}
	cg := &condGen{groups: groups, starts: make([]int64, len(groups)), accept: make([]float64, len(groups))}
	for k := 1; k < len(groups); k++ {
		cg.starts[k] = cg.starts[k-1] + m.Conditions[k-1].Rows
	}
	hits := make([]int, len(groups))
	b := g.NewBlock()
	for run := int64(0); run < ConditionPilotRows/candidateRows; run++ {
		g.fill(b, pilotSeed, run, candidateRows)
		for i := 0; i < candidateRows; i++ {
			for k, tests := range groups {
				if g.meets(b, i, tests) {
					hits[k]++
				}
			}
		}
	}
	cg.nodes = make([][]*nodeCond, len(groups))
	for k, h := range hits {
		cg.accept[k] = float64(h) / ConditionPilotRows
		if cg.accept[k] < MinConditionProbability {
			return nil, &ConditionError{Group: k, Index: -1, Text: m.Conditions[k].String(),
				Err: fmt.Errorf("%d of %d rows drawn from the model meet it: its probability is below %g, too small to generate from", h, ConditionPilotRows, MinConditionProbability)}
		}
		if g.joint != nil {
			cg.nodes[k] = g.joint.nodeConds(m, groups[k])
		}
	}
	return cg, nil
}

// fill generates rows [block*BlockSize, block*BlockSize+n) into b, each
// run of rows from its Conditional's candidates.
func (cg *condGen) fill(g *Generator, b *Block, seed uint64, block int64, n int) {
	b.Start, b.N, b.seed = block*BlockSize, n, seed
	if b.cand == nil {
		b.cand = g.NewBlock()
	}
	for pos := 0; pos < n; {
		row := b.Start + int64(pos)
		k := sort.Search(len(cg.starts), func(k int) bool { return cg.starts[k] > row }) - 1
		end := n
		if k+1 < len(cg.starts) {
			end = int(min(int64(n), cg.starts[k+1]-b.Start))
		}
		cg.fillRun(g, b, seed, block, k, pos, end)
		pos = end
	}
}

// fillRun fills rows [pos, end) of b with candidates that meet
// Conditional k.
func (cg *condGen) fillRun(g *Generator, b *Block, seed uint64, block int64, k, pos, end int) {
	cs := rng.Hash(rng.Hash(rng.Hash(seed^condSalt)^uint64(block)) ^ uint64(k))
	c := b.cand
	c.nodeConds = cg.nodes[k]
	if c.nodeConds != nil && c.dropped == nil {
		c.dropped = make([]bool, BlockSize)
	}
	// A bound far beyond need (the pilot found the rate at least
	// MinConditionProbability): reaching it means a broken generator.
	limit := int64(1000 + 100*float64(end-pos)/(cg.accept[k]*candidateRows))
	for run := int64(0); pos < end; run++ {
		if run == limit {
			panic(fmt.Sprintf("table: %d candidate runs gave fewer than %d rows meeting %s", run, end-pos, g.Model.Conditions[k]))
		}
		g.fill(c, cs, run, candidateRows)
		for i := 0; i < candidateRows && pos < end; i++ {
			if (c.nodeConds == nil || !c.dropped[i]) && g.meets(c, i, cg.groups[k]) {
				copyRow(b, pos, c, i)
				pos++
			}
		}
	}
}

// copyRow copies row i of src to row j of dst.
func copyRow(dst *Block, j int, src *Block, i int) {
	for col := range dst.Cols {
		d, s := &dst.Cols[col], &src.Cols[col]
		d.Null[j] = s.Null[i]
		if d.Num != nil {
			d.Num[j] = s.Num[i]
		}
		if d.Cat != nil {
			d.Cat[j] = s.Cat[i]
		}
	}
}
