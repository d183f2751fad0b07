package table

import (
	"fmt"
	"math"
	"slices"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// BlockSize is the number of rows generated from one random stream. Row i
// belongs to block i / BlockSize, and its values depend only on the model,
// the seed and that block: so output is the same whatever the shard count,
// runner or retry.
const BlockSize = 16384

// Block holds generated rows column by column.
type Block struct {
	// Start is the global index of the block's first row; N the rows held.
	Start int64
	N     int
	Cols  []ColumnValues

	seed    uint64    // the seed it was filled with, for new text values
	normals []float64 // scratch of the joint model
	bins    []uint8
	forest  *forestScratch
	cand    *Block // candidate rows of a model with conditions
	// Of a candidate block: the network's conditioned nodes (condGen),
	// and the rows they dropped.
	nodeConds []*nodeCond
	dropped   []bool
}

// ColumnValues holds one column of a block. Which slice is used depends on
// the column's kind.
type ColumnValues struct {
	// Num holds Float, Integer (whole numbers) and Datetime (seconds since
	// the epoch) values.
	Num []float64
	// Cat holds Categorical and Boolean values as indices into the column's
	// Categories.
	Cat []int32
	// Null marks null values, for every kind.
	Null []bool
}

// Generator generates rows from a model. It is safe for concurrent use by
// several goroutines, each with its own Block.
type Generator struct {
	Model  *Model
	cols   []genColumn
	joint  *jointGen  // network and copula models
	forest *forestGen // forest models
	rules  *ruleGen   // nil for models without rules
	cond   *condGen   // nil for models without conditions
}

type genColumn struct {
	*Column
	marg   *marginal
	alias  *rng.Alias
	lo, hi float64
	round  float64 // Integer and Datetime values are rounded to a multiple of 1/round
	step   float64 // or a Datetime to a multiple of step seconds of local time (Format.Step)
	shift  float64 // the local time's UTC offset, for step
	ids    idGen
	days   *dayCache   // Datetime columns with a day-first layout
	shaped bool        // a number spelt with more than digits and a point
	text   *textGen    // new values of a text column
	novel  int32       // the index of NovelCategory, -1 for none
	lat    *latticeGen // the values of a column with a Lattice
}

// value rounds and clips a drawn number to the column's resolution and
// observed range, and snaps it to the column's lattice, if any.
func (c *genColumn) value(x float64) float64 {
	if c.step != 0 {
		x = round((x+c.shift)/c.step)*c.step - c.shift
	} else if c.round == 1 {
		x = round(x)
	} else if c.round != 0 {
		x = round(x*c.round) / c.round
	}
	x = clamp(x, c.lo, c.hi)
	if c.lat != nil {
		return c.lat.nearest(x)
	}
	return x
}

// round is math.Round, through integer conversion where the value fits:
// several times faster on the generation path.
func round(x float64) float64 {
	switch {
	case x >= 0 && x < 1<<52:
		return float64(int64(x + 0.5))
	case x < 0 && x > -(1<<52):
		return -float64(int64(-x + 0.5))
	}
	return math.Round(x)
}

// NewGenerator prepares a validated model for generation. A model with
// Conditions is refused with a *ConditionError where a Conditional is met
// by fewer than MinConditionProbability of the rows it draws in a pilot of
// ConditionPilotRows.
func NewGenerator(m *Model) (*Generator, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	g := &Generator{Model: m}
	margs := marginals(m)
	for i := range m.Columns {
		c := &m.Columns[i]
		gc := genColumn{Column: c, shaped: c.Format.shaped(), novel: -1}
		switch {
		case c.NullFraction == 1:
		case c.Kind.Numeric():
			gc.marg = margs[i]
			gc.lo, gc.hi = *c.Min, *c.Max
			gc.lat = newLatticeGen(c.Lattice, gc.lo, gc.hi)
			switch c.Kind {
			case Integer:
				gc.round = 1
			case Datetime:
				gc.round = math.Pow10(c.Format.Decimals)
				if c.Format.DateOnly() {
					gc.round = 1.0 / 86400 // whole days
				}
				if c.Format.Step > 0 {
					gc.step, gc.shift = float64(c.Format.Step), float64(c.Format.ZoneOffset)
				}
				if c.Format.Decimals == 0 {
					off := float64(c.Format.ZoneOffset)
					gc.days = newDayCache(c.Format.Layout, gc.lo+off, gc.hi+off)
				}
			}
		case c.Kind == ID:
			gc.ids = newIDGen(c.Format)
		default:
			w := make([]float64, len(c.Categories))
			for j, cat := range c.Categories {
				w[j] = cat.Frequency
			}
			a, err := rng.NewAlias(w)
			if err != nil {
				return nil, fmt.Errorf("column %q: %w", c.Name, err)
			}
			gc.alias = a
			if c.Text != nil {
				if gc.text, err = newTextGen(c.Text, c.Categories); err != nil {
					return nil, fmt.Errorf("column %q: %w", c.Name, err)
				}
				gc.novel = int32(slices.IndexFunc(c.Categories, func(cat Category) bool { return cat.Value == NovelCategory }))
			}
		}
		g.cols = append(g.cols, gc)
	}
	switch m.ModelType {
	case ModelTypeIndependent:
	case ModelTypeForest:
		f, err := newForestGen(m)
		if err != nil {
			return nil, err
		}
		f.setAbove(m, g.cols)
		f.calibrate(m.Forest)
		g.forest = f
	default:
		j, err := newJointGen(m)
		if err != nil {
			return nil, err
		}
		g.joint = j
	}
	g.rules = newRuleGen(g)
	if len(m.Conditions) > 0 {
		c, err := newCondGen(g)
		if err != nil {
			return nil, err
		}
		g.cond = c
	}
	return g, nil
}

// NewBlock allocates a block with room for BlockSize rows.
func (g *Generator) NewBlock() *Block {
	b := &Block{Cols: make([]ColumnValues, len(g.cols))}
	for i, c := range g.cols {
		cv := &b.Cols[i]
		cv.Null = make([]bool, BlockSize)
		switch {
		case c.Kind.Numeric():
			cv.Num = make([]float64, BlockSize)
		case c.Kind == Categorical || c.Kind == Boolean:
			cv.Cat = make([]int32, BlockSize)
		}
	}
	return b
}

// textSalt separates the streams of new text values, one per row and
// column, from the blocks' streams.
const textSalt = 0x7465787476616c73

// IsNovel reports whether category k of column col stands for new text
// values, which AppendText writes afresh for every row.
func (g *Generator) IsNovel(col int, k int32) bool { return g.cols[col].novel == k }

// stream is the random stream of one column of one block.
func stream(block int64, col int) uint64 { return uint64(block)<<16 | uint64(col&0xffff) }

// Fill generates rows [block*BlockSize, block*BlockSize+n) into b. n is at
// most BlockSize; a shorter block is a prefix of the full one. With
// Conditions, every row meets its Conditional (see condGen).
func (g *Generator) Fill(b *Block, seed uint64, block int64, n int) {
	if g.cond != nil {
		g.cond.fill(g, b, seed, block, n)
		return
	}
	g.fill(b, seed, block, n)
}

// fill is Fill without the conditions.
func (g *Generator) fill(b *Block, seed uint64, block int64, n int) {
	b.Start, b.N, b.seed = block*BlockSize, n, seed
	if g.forest != nil {
		g.fillForest(b, seed, block, n)
	} else if g.joint != nil {
		g.fillJoint(b, seed, block, n)
	} else {
		g.fillIndependent(b, seed, block, n)
	}
	if g.rules != nil {
		g.rules.enforce(g, b, seed, block, n)
	}
}

// fillIndependent draws every column from its own marginal.
func (g *Generator) fillIndependent(b *Block, seed uint64, block int64, n int) {
	for j := range g.cols {
		c := &g.cols[j]
		cv := &b.Cols[j]
		r := rng.New(seed, stream(block, j))
		nullP := c.NullFraction
		for i := 0; i < n; i++ {
			null := nullP > 0 && r.Float64() < nullP
			cv.Null[i] = null
			if null {
				continue
			}
			switch {
			case c.marg != nil:
				cv.Num[i] = c.value(c.marg.quantile(r.Float64()))
			case c.alias != nil:
				cv.Cat[i] = int32(c.alias.Sample(&r))
			}
		}
	}
}

// AppendText appends the text of value row of column col of b, in the
// column's learned format; a null appends nothing.
func (g *Generator) AppendText(dst []byte, b *Block, col, row int) []byte {
	cv := &b.Cols[col]
	if cv.Null[row] {
		return dst
	}
	c := &g.cols[col]
	switch c.Kind {
	case Float:
		if c.shaped {
			return appendNumber(dst, cv.Num[row], c.Format, false)
		}
		return appendFloat(dst, cv.Num[row], c.Format)
	case Integer:
		if c.shaped {
			return appendNumber(dst, cv.Num[row], c.Format, true)
		}
		return appendInt(dst, int64(cv.Num[row]))
	case Datetime:
		if c.days != nil {
			if out := c.days.append(dst, int64(cv.Num[row])+int64(c.Format.ZoneOffset)); out != nil {
				return out
			}
		}
		return appendTime(dst, cv.Num[row], c.Format)
	case ID:
		return g.AppendID(dst, col, b.Start+int64(row))
	default:
		if k := cv.Cat[row]; k == c.novel {
			r := rng.New(b.seed^textSalt, uint64(b.Start+int64(row))<<16|uint64(col&0xffff))
			return c.text.append(dst, &r)
		}
		return append(dst, c.Categories[cv.Cat[row]].Value...)
	}
}

// AppendID appends the generated ID of global row i: unique for every
// row, never a real ID (see idGen).
func (g *Generator) AppendID(dst []byte, col int, i int64) []byte {
	return g.cols[col].ids.append(dst, uint64(i))
}
