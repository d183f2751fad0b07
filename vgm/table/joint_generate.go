package table

import (
	"fmt"
	"math"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// jointGen is a network model prepared for generation.
type jointGen struct {
	chol    [][]float64 // Cholesky factor of the copula correlation
	bins    int
	copCols []int // copula position -> column
	nodes   []jointNode
	tails   []*rng.Alias // per column: resamples a capped column's "other" state
}

type jointNode struct {
	col      int
	nullInd  bool
	binPar   []int // copula positions
	nodePar  []int // node indexes
	radix    []int // states of each node parent
	rows     []*rng.Alias
	values   int // states that are categories
	total    int
	nullable bool
}

func newJointGen(m *Model) (*jointGen, error) {
	j := &jointGen{copCols: m.Copula.Columns, tails: make([]*rng.Alias, len(m.Columns)), chol: cholesky(m.Copula.Correlation), bins: m.Network.Bins}
	pos := map[int]int{}
	for a, col := range m.Copula.Columns {
		pos[col] = a
	}
	for i := range m.Network.Nodes {
		nd := &m.Network.Nodes[i]
		c := &m.Columns[nd.Column]
		total, values := c.States()
		jn := jointNode{col: nd.Column, nullInd: nd.NullIndicator, nodePar: nd.NodeParents, values: values, total: total, nullable: c.NullFraction > 0}
		for _, col := range nd.BinParents {
			jn.binPar = append(jn.binPar, pos[col])
		}
		for _, p := range nd.NodeParents {
			jn.radix = append(jn.radix, m.nodeStates(&m.Network.Nodes[p]))
		}
		for _, row := range nd.CPT {
			a, err := rng.NewAlias(row)
			if err != nil {
				return nil, fmt.Errorf("network node %d: %w", i, err)
			}
			jn.rows = append(jn.rows, a)
		}
		if !nd.NullIndicator && values < len(c.Categories) {
			w := make([]float64, 0, len(c.Categories)-values)
			for _, cat := range c.Categories[values:] {
				w = append(w, cat.Frequency)
			}
			a, err := rng.NewAlias(w)
			if err != nil {
				return nil, fmt.Errorf("column %q: %w", c.Name, err)
			}
			j.tails[nd.Column] = a
		}
		j.nodes = append(j.nodes, jn)
	}
	return j, nil
}

// phiGrid tabulates the standard normal CDF on [-phiRange, phiRange].
const (
	phiRange = 8.0
	phiSteps = 4096
)

var phiGrid = func() []float64 {
	g := make([]float64, phiSteps+1)
	for i := range g {
		z := -phiRange + 2*phiRange*float64(i)/phiSteps
		g[i] = 0.5 * math.Erfc(-z/math.Sqrt2)
	}
	return g
}()

// phi is Φ(z), interpolated on phiGrid (error below 1e-6).
func phi(z float64) float64 {
	z = clamp(z, -phiRange, phiRange)
	h := (z + phiRange) * (phiSteps / (2 * phiRange))
	i := min(int(h), phiSteps-1)
	return phiGrid[i] + (h-float64(i))*(phiGrid[i+1]-phiGrid[i])
}

// fillJoint generates a block from two random streams: normals for the
// copula, then the network's draws. Each stream is consumed row by row, so
// a shorter block is a prefix of the full one.
func (g *Generator) fillJoint(b *Block, seed uint64, block int64, n int) {
	j := g.joint
	p := len(j.chol)
	if cap(b.normals) < n*p {
		b.normals = make([]float64, BlockSize*p)
		b.bins = make([]uint8, BlockSize*p)
	}
	e, bins := b.normals[:n*p], b.bins[:n*p]
	r := rng.New(seed, stream(block, 0xfffe))
	for i := range e {
		e[i] = r.NormFloat64()
	}
	// Numeric columns, one at a time: correlate, map to probability, then
	// to a value.
	for a := 0; a < p; a++ {
		row := j.chol[a][:a+1]
		c := &g.cols[j.copCols[a]]
		cv := &b.Cols[j.copCols[a]]
		num, null := cv.Num[:n], cv.Null[:n]
		nb := float64(j.bins)
		last := uint8(j.bins - 1)
		for i := range num {
			ei := e[i*p : i*p+a+1]
			z := 0.0
			for q, l := range row {
				z += l * ei[q]
			}
			u := phi(z)
			bin := uint8(u * nb)
			if bin > last {
				bin = last
			}
			bins[i*p+a] = bin
			num[i] = c.value(c.marg.quantile(u))
			null[i] = false
		}
	}
	// The network, row by row.
	r = rng.New(seed, stream(block, 0xffff))
	states := make([]int, len(j.nodes))
	nc := b.nodeConds
	for i := 0; i < n; i++ {
		bi := bins[i*p : i*p+p]
		if nc != nil {
			b.dropped[i] = false
		}
		for k := range j.nodes {
			nd := &j.nodes[k]
			cfg := 0
			for _, a := range nd.binPar {
				cfg = cfg*j.bins + int(bi[a])
			}
			for q, par := range nd.nodePar {
				cfg = cfg*nd.radix[q] + states[par]
			}
			var st int
			if nc != nil && nc[k] != nil {
				var kept bool
				st, kept = nc[k].sample(cfg, &r)
				b.dropped[i] = b.dropped[i] || !kept
			} else {
				st = nd.rows[cfg].Sample(&r)
			}
			states[k] = st
			cv := &b.Cols[nd.col]
			switch {
			case nd.nullInd:
				cv.Null[i] = st == 1
			case nd.nullable && st == nd.total-1:
				cv.Null[i] = true
			default:
				cv.Null[i] = false
				if st >= nd.values {
					st = nd.values + j.tails[nd.col].Sample(&r)
				}
				cv.Cat[i] = int32(st)
			}
		}
	}
	g.fillOutside(b, seed, block, n)
}

// fillOutside generates the columns outside the joint model: IDs (written
// from the row index; only their nulls are drawn here) and all-null
// columns.
func (g *Generator) fillOutside(b *Block, seed uint64, block int64, n int) {
	for col := range g.cols {
		c := &g.cols[col]
		if c.Kind != ID && c.NullFraction < 1 {
			continue
		}
		cr := rng.New(seed, stream(block, col))
		for i := 0; i < n; i++ {
			b.Cols[col].Null[i] = c.NullFraction == 1 || (c.NullFraction > 0 && cr.Float64() < c.NullFraction)
		}
	}
}
