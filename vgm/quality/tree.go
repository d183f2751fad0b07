package quality

import (
	"container/heap"
	"slices"
	"sort"
)

// maxBins is the most bins a numeric feature is quantised into for the
// trees, scikit-learn's HistGradientBoosting default (255, the missing-value
// bin aside; features here have no missing values).
const maxBins = 255

// binned is a design quantised for the trees: every feature of every row as
// a small bin number, row-major. Numeric features are cut at the midpoints
// between consecutive distinct values, or at 255-quantile midpoints when
// there are more than maxBins of them; a factor's bins are its levels.
type binned struct {
	rows, features int
	bins           []uint8
	// offset[f] is the first histogram slot of feature f; nbins[f] its
	// number of bins.
	offset, nbins []int
	// factor[f] reports whether feature f is a factor, split one level
	// against the rest rather than at a threshold.
	factor []bool
}

// newBinned quantises d.
func newBinned(d *design) *binned {
	nn, nf := len(d.numNames), len(d.factors)
	b := &binned{rows: d.rows, features: nn + nf, bins: make([]uint8, d.rows*(nn+nf))}
	slots := 0
	col := make([]float64, d.rows)
	for f := range nn {
		for i := range d.rows {
			col[i] = d.num[i*nn+f]
		}
		cuts := binEdges(col)
		for i, v := range col {
			b.bins[i*b.features+f] = uint8(sort.SearchFloat64s(cuts, v))
		}
		b.offset = append(b.offset, slots)
		b.nbins = append(b.nbins, len(cuts)+1)
		b.factor = append(b.factor, false)
		slots += len(cuts) + 1
	}
	for g, fac := range d.factors {
		for i := range d.rows {
			b.bins[i*b.features+nn+g] = uint8(d.levels[i*nf+g])
		}
		b.offset = append(b.offset, slots)
		b.nbins = append(b.nbins, fac.card)
		b.factor = append(b.factor, true)
		slots += fac.card
	}
	return b
}

// slots returns the length of one histogram of b.
func (b *binned) slots() int {
	if len(b.offset) == 0 {
		return 0
	}
	return b.offset[len(b.offset)-1] + b.nbins[len(b.nbins)-1]
}

// binEdges returns the sorted cut points of x: a value v falls in bin
// SearchFloat64s(edges, v), that is the bin of the first edge ≥ v.
func binEdges(x []float64) []float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	distinct := slices.Compact(slices.Clone(s))
	if len(distinct) <= maxBins {
		edges := make([]float64, 0, len(distinct))
		for i := 1; i < len(distinct); i++ {
			edges = append(edges, (distinct[i-1]+distinct[i])/2)
		}
		return edges
	}
	// Percentiles 100·k/maxBins, k = 1..maxBins−1, each the midpoint of its
	// two neighbouring order statistics, duplicates removed.
	edges := make([]float64, 0, maxBins-1)
	n := float64(len(s) - 1)
	for k := 1; k < maxBins; k++ {
		pos := n * float64(k) / maxBins
		lo := int(pos)
		hi := min(lo+1, len(s)-1)
		v := s[lo]
		if pos > float64(lo) {
			v = (s[lo] + s[hi]) / 2
		}
		if len(edges) == 0 || v > edges[len(edges)-1] {
			edges = append(edges, v)
		}
	}
	return edges
}

// histSlot is one bin of a histogram: the sums of the gradients and
// hessians of the node's rows in the bin, and their number.
type histSlot struct {
	g, h float64
	n    int
}

// treeNode is a node of a fitted tree: a leaf when left == 0.
type treeNode struct {
	feature int
	// bin: rows whose bin is ≤ bin (== bin for a factor) go left.
	bin         uint8
	factor      bool
	left, right int32
	value       float64
}

// tree is a regression tree on binned features; nodes[0] is the root.
type tree struct{ nodes []treeNode }

// predict returns the value of the leaf that row i of b falls in.
func (t *tree) predict(b *binned, i int) float64 {
	row := b.bins[i*b.features : (i+1)*b.features]
	k := 0
	for {
		n := &t.nodes[k]
		if n.left == 0 {
			return n.value
		}
		v := row[n.feature]
		if v == n.bin || (!n.factor && v < n.bin) {
			k = int(n.left)
		} else {
			k = int(n.right)
		}
	}
}

// treeParams are the growth settings, scikit-learn's HistGradientBoosting
// defaults.
type treeParams struct {
	maxLeaves int     // max_leaf_nodes: 31
	minLeaf   int     // min_samples_leaf: 20
	l2        float64 // l2_regularization: 0
	minHess   float64 // min_hessian_to_split: 1e-3
	shrink    float64 // learning_rate: 0.1
}

var defaultTreeParams = treeParams{maxLeaves: 31, minLeaf: 20, l2: 0, minHess: 1e-3, shrink: 0.1}

// leaf is a node of a growing tree that may still be split.
type leaf struct {
	node  int32 // index in the tree's nodes
	rows  []int
	g, h  float64
	hist  []histSlot
	gain  float64 // of the best split; 0 when none
	feat  int
	bin   uint8
	isFac bool
}

// leafHeap orders leaves by decreasing gain: best-first growth.
type leafHeap []*leaf

func (q leafHeap) Len() int           { return len(q) }
func (q leafHeap) Less(i, j int) bool { return q[i].gain > q[j].gain }
func (q leafHeap) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *leafHeap) Push(x any)        { *q = append(*q, x.(*leaf)) }
func (q *leafHeap) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// grower fits trees to per-row gradients and hessians (indexed by row of b).
type grower struct {
	b    *binned
	p    treeParams
	g, h []float64
	free [][]histSlot
}

// grow fits one tree best-first on rows (reordered in place) and adds each
// leaf's shrunk value to raw[r] of its rows r, as in the boosting update.
func (gr *grower) grow(rows []int, raw []float64, stride, k int) *tree {
	t := &tree{nodes: []treeNode{{}}}
	root := &leaf{node: 0, rows: rows}
	root.hist = gr.histogram(rows)
	for _, r := range rows {
		root.g += gr.g[r]
		root.h += gr.h[r]
	}
	gr.bestSplit(root)
	var done []*leaf
	q := leafHeap{root}
	leaves := 1
	for q.Len() > 0 {
		l := heap.Pop(&q).(*leaf)
		if l.gain <= 0 || leaves >= gr.p.maxLeaves {
			done = append(done, l)
			continue
		}
		left, right := gr.split(t, l)
		leaves++
		for _, c := range []*leaf{left, right} {
			gr.bestSplit(c)
			heap.Push(&q, c)
		}
	}
	for _, l := range done {
		v := -gr.p.shrink * l.g / (l.h + gr.p.l2)
		t.nodes[l.node].value = v
		for _, r := range l.rows {
			raw[r*stride+k] += v
		}
		gr.release(l)
	}
	return t
}

// split splits leaf l at its best split into two children, whose
// histograms are the smaller child's, computed, and the parent's minus it.
func (gr *grower) split(t *tree, l *leaf) (left, right *leaf) {
	f, bin, fac := l.feat, l.bin, l.isFac
	nf := gr.b.features
	// Partition l.rows: left rows first.
	i, j := 0, len(l.rows)
	for i < j {
		v := gr.b.bins[l.rows[i]*nf+f]
		if v == bin || (!fac && v < bin) {
			i++
		} else {
			j--
			l.rows[i], l.rows[j] = l.rows[j], l.rows[i]
		}
	}
	li, ri := int32(len(t.nodes)), int32(len(t.nodes)+1)
	t.nodes[l.node] = treeNode{feature: f, bin: bin, factor: fac, left: li, right: ri}
	t.nodes = append(t.nodes, treeNode{}, treeNode{})
	left = &leaf{node: li, rows: l.rows[:i]}
	right = &leaf{node: ri, rows: l.rows[i:]}
	small, large := left, right
	if len(right.rows) < len(left.rows) {
		small, large = right, left
	}
	small.hist = gr.histogram(small.rows)
	large.hist = l.hist
	for s := range large.hist {
		large.hist[s].g -= small.hist[s].g
		large.hist[s].h -= small.hist[s].h
		large.hist[s].n -= small.hist[s].n
	}
	// The sums of the smaller child from its histogram (any one feature's
	// bins hold all its rows), the larger child's by difference.
	for _, sl := range small.hist[:gr.b.nbins[0]] {
		small.g += sl.g
		small.h += sl.h
	}
	large.g, large.h = l.g-small.g, l.h-small.h
	return left, right
}

// histogram returns the histogram of rows.
func (gr *grower) histogram(rows []int) []histSlot {
	var hist []histSlot
	if n := len(gr.free); n > 0 {
		hist = gr.free[n-1]
		gr.free = gr.free[:n-1]
		clear(hist)
	} else {
		hist = make([]histSlot, gr.b.slots())
	}
	nf := gr.b.features
	off := gr.b.offset
	for _, r := range rows {
		g, h := gr.g[r], gr.h[r]
		for f, v := range gr.b.bins[r*nf : (r+1)*nf] {
			s := &hist[off[f]+int(v)]
			s.g += g
			s.h += h
			s.n++
		}
	}
	return hist
}

// release returns a finished leaf's histogram for reuse.
func (gr *grower) release(l *leaf) {
	if l.hist != nil {
		gr.free = append(gr.free, l.hist)
		l.hist = nil
	}
}

// bestSplit records in l the split of largest gain
//
//	G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)
//
// among those leaving each side at least minLeaf rows and minHess hessian.
func (gr *grower) bestSplit(l *leaf) {
	l.gain = 0
	n := len(l.rows)
	if n < 2*gr.p.minLeaf {
		return
	}
	lam := gr.p.l2
	parent := l.g * l.g / (l.h + lam)
	try := func(gl, hl float64, nl int, f int, bin uint8, fac bool) {
		gR, hR, nR := l.g-gl, l.h-hl, n-nl
		if nl < gr.p.minLeaf || nR < gr.p.minLeaf || hl < gr.p.minHess || hR < gr.p.minHess {
			return
		}
		if gain := gl*gl/(hl+lam) + gR*gR/(hR+lam) - parent; gain > l.gain+1e-12 {
			l.gain, l.feat, l.bin, l.isFac = gain, f, bin, fac
		}
	}
	for f := range gr.b.features {
		hs := l.hist[gr.b.offset[f] : gr.b.offset[f]+gr.b.nbins[f]]
		if gr.b.factor[f] {
			for v, s := range hs {
				if s.n >= gr.p.minLeaf {
					try(s.g, s.h, s.n, f, uint8(v), true)
				}
			}
			continue
		}
		var gl, hl float64
		var nl int
		for v, s := range hs[:len(hs)-1] {
			if s.n == 0 { // the same partition as the bin before
				continue
			}
			gl, hl, nl = gl+s.g, hl+s.h, nl+s.n
			if nl < gr.p.minLeaf {
				continue
			}
			if n-nl < gr.p.minLeaf {
				break
			}
			try(gl, hl, nl, f, uint8(v), false)
		}
	}
}
