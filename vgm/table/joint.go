package table

import (
	"math"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// The joint model ("network") ties the columns together in two parts.
//
//   - The numeric columns (floats, integers, datetimes) are tied by a
//     Gaussian copula over their fitted marginals (atoms and a VGM): each
//     value x maps to a normal score Φ⁻¹(F(x)), and the scores' correlation
//     matrix is estimated on the sample. Every marginal is kept exactly.
//   - The discrete variables (categorical and boolean columns, with a null
//     state where they have nulls, and the null indicators of numeric
//     columns) form a Bayesian network whose nodes may depend on up to
//     MaxParents parents: earlier discrete nodes, or the copula bin of a
//     numeric column (which of Bins equal-probability slices of its
//     distribution its value falls in). The structure is chosen greedily,
//     as in PrivBayes: at each step the variable whose best parent set
//     gains most in Akaike's information criterion (log-likelihood gain
//     minus the added parameters) joins the network.
//
// Generation draws correlated normals, maps them to values through the
// marginals' quantile tables, then samples the network in order with an
// alias table per conditional distribution.

// Limits of the network.
const (
	// MaxNetworkStates bounds the states of one discrete variable. A
	// categorical column with more values keeps its most frequent ones as
	// states and one "other" state, resampled from the rest by frequency.
	MaxNetworkStates = 256
	// MaxParents bounds a node's parents.
	MaxParents = 3
	// MaxBins is the most copula bins a numeric parent is cut into; small
	// samples get fewer (see binsFor).
	MaxBins = 8
	// maxConfigs bounds a node's parent configurations.
	maxConfigs = 4096
	// structureRows bounds the sample rows used to choose the structure.
	structureRows = 50000
	// candidateParents is how many of the most informative variables are
	// tried as parents of each node.
	candidateParents = 6
)

// Model types with a copula.
const (
	// ModelTypeNetwork is the copula and the network.
	ModelTypeNetwork = "network"
	// ModelTypeCopula is the copula alone: discrete columns are drawn from
	// their own frequencies (a network without edges). For comparison.
	ModelTypeCopula = "copula"
)

// knownModelType reports whether a model type exists.
func knownModelType(t string) bool {
	return t == ModelTypeForest || t == ModelTypeNetwork || t == ModelTypeCopula || t == ModelTypeIndependent
}

// modelTypeList words the model types for error messages.
const modelTypeList = ModelTypeForest + ", " + ModelTypeNetwork + ", " + ModelTypeCopula + " or " + ModelTypeIndependent

// Network is a Bayesian network over the discrete variables.
type Network struct {
	// Bins is the number of copula bins of numeric parents.
	Bins int `json:"bins"`
	// Nodes are in sampling order: node parents come first.
	Nodes []NetworkNode `json:"nodes"`
}

// NetworkNode is one discrete variable's distribution given its parents.
type NetworkNode struct {
	// Column indexes Model.Columns.
	Column int `json:"column"`
	// NullIndicator means the node is whether a numeric column is null
	// (states: 0 present, 1 null) rather than the column's values.
	NullIndicator bool `json:"null_indicator,omitempty"`
	// BinParents are numeric columns (indexes of Model.Columns) whose
	// copula bin the node depends on; NodeParents are earlier nodes.
	BinParents  []int `json:"bin_parents,omitempty"`
	NodeParents []int `json:"node_parents,omitempty"`
	// CPT has one row per parent configuration (mixed radix: bin parents
	// first, then node parents, the first most significant), each a
	// distribution over the node's states.
	CPT [][]float64 `json:"cpt"`
}

// Copula is a Gaussian copula over the numeric columns.
type Copula struct {
	// Columns index Model.Columns.
	Columns []int `json:"columns"`
	// Correlation is the normal scores' correlation matrix.
	Correlation [][]float64 `json:"correlation"`
}

// States returns the number of states of a discrete column in the network
// and how many of them are its categories (the rest: "other", then null).
func (c *Column) States() (total, values int) {
	values = len(c.Categories)
	total = values
	if values > MaxNetworkStates-1 {
		values = MaxNetworkStates - 2
		total = values + 1
	}
	if c.NullFraction > 0 {
		total++
	}
	return total, values
}

// nodeStates is the number of states of a network node.
func (m *Model) nodeStates(nd *NetworkNode) int {
	if nd.NullIndicator {
		return 2
	}
	total, _ := m.Columns[nd.Column].States()
	return total
}

// inCopula reports whether a column takes part in the copula.
func (c *Column) inCopula() bool { return c.Kind.Numeric() && c.NullFraction < 1 }

// variable is a discrete variable of the sample, as states per row.
type variable struct {
	node   NetworkNode // its node, parents unset
	bin    bool        // a numeric column's copula bin, not a node
	card   int
	states []int32
}

// fitJoint learns the copula and the network from the sample.
func fitJoint(m *Model, rows []SampledRow, seed uint64) error {
	n := len(rows)
	nb := binsFor(n)
	copCols, us, vars, err := jointVariables(m, rows, seed, nb)
	if err != nil {
		return err
	}
	scores := make([][]float64, len(us))
	for a, u := range us {
		scores[a] = make([]float64, n)
		for i, v := range u {
			scores[a][i] = math.NaN()
			if !math.IsNaN(v) {
				scores[a][i] = normalScore(v)
			}
		}
	}
	m.Copula = &Copula{Columns: copCols, Correlation: correlations(scores)}
	maxParents := MaxParents
	if m.ModelType == ModelTypeCopula {
		maxParents = 0
	}
	m.Network = &Network{Bins: nb, Nodes: learnNetwork(vars, n, maxParents)}
	return nil
}

// jointVariables maps the sample through the model's marginals: for each
// numeric column in the copula its probabilities u = F(x) (NaN for null;
// an atom's tied values spread over its share) and its copula bin, of nb;
// the discrete variables of the network, bins first per column.
func jointVariables(m *Model, rows []SampledRow, seed uint64, nb int) (copCols []int, us [][]float64, vars []variable, err error) {
	r := rng.New(seed, 1<<62)
	n := len(rows)
	margs := marginals(m)
	for j := range m.Columns {
		c := &m.Columns[j]
		switch {
		case c.inCopula():
			bins := make([]int32, n)
			_, u, err := margs[j].probabilities(c, j, rows, &r, func(i int) {
				bins[i] = int32(r.Intn(nb)) // nulls carry no bin information
			})
			if err != nil {
				return nil, nil, nil, err
			}
			for i, ui := range u {
				if !math.IsNaN(ui) {
					bins[i] = int32(binOf(ui, nb))
				}
			}
			copCols = append(copCols, j)
			us = append(us, u)
			vars = append(vars, variable{node: NetworkNode{Column: j}, bin: true, card: nb, states: bins})
			if c.NullFraction > 0 {
				st := make([]int32, n)
				for i, row := range rows {
					if row.Fields[j] == "" {
						st[i] = 1
					}
				}
				vars = append(vars, variable{node: NetworkNode{Column: j, NullIndicator: true}, card: 2, states: st})
			}
		case (c.Kind == Categorical || c.Kind == Boolean) && c.NullFraction < 1:
			total, _ := c.States()
			st := discreteStates(c, rows, j)
			vars = append(vars, variable{node: NetworkNode{Column: j}, card: total, states: st})
		}
	}
	return copCols, us, vars, nil
}

// normalScore is Φ⁻¹(u), with u kept off 0 and 1.
func normalScore(u float64) float64 {
	u = min(max(u, 1e-9), 1-1e-9)
	return -math.Sqrt2 * math.Erfcinv(2*u)
}

// binOf is the copula bin of a probability, of nb bins.
func binOf(u float64, nb int) int { return min(nb-1, max(0, int(u*float64(nb)))) }

// binsFor chooses the number of copula bins for a sample of n rows: fewer
// for small samples, where finer bins cost more parameters than they
// explain.
func binsFor(n int) int {
	switch {
	case n >= 20000:
		return MaxBins
	case n >= 1000:
		return 4
	default:
		return 2
	}
}

// correlations is the matrix of pairwise Pearson correlations, over rows
// where both values are present.
func correlations(z [][]float64) [][]float64 {
	p := len(z)
	c := make([][]float64, p)
	for a := range c {
		c[a] = make([]float64, p)
		c[a][a] = 1
	}
	for a := 0; a < p; a++ {
		for b := a + 1; b < p; b++ {
			r := pearson(z[a], z[b])
			c[a][b], c[b][a] = r, r
		}
	}
	return c
}

// pearson is the copula's correlation over rows where both values are
// present, in one pass; 0 when it is undefined (fewer than three rows, a
// constant column). It is not quality.Pearson (two passes, NaN when
// undefined, the evaluation's): the two differ in the last bits, and stored
// models were fitted with this one.
func pearson(x, y []float64) float64 {
	var n, sx, sy, sxx, syy, sxy float64
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) {
			continue
		}
		n++
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		syy += y[i] * y[i]
		sxy += x[i] * y[i]
	}
	if n < 3 {
		return 0
	}
	vx, vy := sxx-sx*sx/n, syy-sy*sy/n
	if vx <= 0 || vy <= 0 {
		return 0
	}
	return max(-1, min(1, (sxy-sx*sy/n)/math.Sqrt(vx*vy)))
}

// learnNetwork chooses the network's order and parents greedily and
// estimates its tables.
func learnNetwork(vars []variable, n, maxParents int) []NetworkNode {
	ns := min(n, structureRows)
	// Pairwise mutual information, to shortlist parents.
	mi := make([][]float64, len(vars))
	for a := range vars {
		mi[a] = make([]float64, len(vars))
	}
	for a := range vars {
		for b := a + 1; b < len(vars); b++ {
			v := mutualInformation(vars[a].states[:ns], vars[a].card, joined{vars[b].states[:ns], vars[b].card})
			mi[a][b], mi[b][a] = v, v
		}
	}
	available := []int{} // variables that may be parents: bins, and placed nodes
	var pending []int
	for i, v := range vars {
		if v.bin {
			available = append(available, i)
		} else {
			pending = append(pending, i)
		}
	}
	nodeOf := map[int]int{} // variable -> node index
	var nodes []NetworkNode
	for len(pending) > 0 {
		bestGain, bestVar, bestPos := math.Inf(-1), -1, -1
		var bestParents []int
		for pi, v := range pending {
			parents, gain := bestParentSet(vars, v, available, mi[v], ns, maxParents)
			if gain > bestGain {
				bestGain, bestVar, bestPos, bestParents = gain, v, pi, parents
			}
		}
		pending = append(pending[:bestPos], pending[bestPos+1:]...)
		node := vars[bestVar].node
		ordered, configs := setParents(&node, vars, bestParents, nodeOf)
		node.CPT = conditionalTable(vars[bestVar].states, vars[bestVar].card, joinStates(vars, ordered, n), configs)
		nodeOf[bestVar] = len(nodes)
		nodes = append(nodes, node)
		available = append(available, bestVar)
	}
	return nodes
}

// setParents records parents (variables) on node: the binned numeric ones
// as BinParents (their columns), the discrete ones as NodeParents (their
// nodes, nodeOf). It returns the parents in the order of the node's
// table's configurations (binned ones first) and the number of those.
func setParents(node *NetworkNode, vars []variable, parents []int, nodeOf map[int]int) (ordered []int, configs int) {
	var binPar, nodePar []int
	for _, p := range parents {
		if vars[p].bin {
			binPar = append(binPar, p)
		} else {
			nodePar = append(nodePar, p)
		}
	}
	for _, p := range binPar {
		node.BinParents = append(node.BinParents, vars[p].node.Column)
	}
	for _, p := range nodePar {
		node.NodeParents = append(node.NodeParents, nodeOf[p])
	}
	ordered = append(binPar, nodePar...)
	configs = 1
	for _, p := range ordered {
		configs *= vars[p].card
	}
	return ordered, configs
}

// bestParentSet tries no parents and every set of up to MaxParents
// shortlisted parents, and returns the set with the largest AIC gain over
// no parents.
func bestParentSet(vars []variable, v int, available []int, mi []float64, ns, maxParents int) ([]int, float64) {
	cands := append([]int(nil), available...)
	// Shortlist by mutual information with v.
	for i := 1; i < len(cands); i++ {
		for k := i; k > 0 && mi[cands[k]] > mi[cands[k-1]]; k-- {
			cands[k], cands[k-1] = cands[k-1], cands[k]
		}
	}
	if len(cands) > candidateParents {
		cands = cands[:candidateParents]
	}
	card := vars[v].card
	score := func(set []int) float64 {
		configs := 1
		for _, p := range set {
			configs *= vars[p].card
		}
		if configs > maxConfigs {
			return math.Inf(-1)
		}
		info := mutualInformation(vars[v].states[:ns], card, joinStates(vars, set, ns))
		return float64(ns)*info - 0.5*float64((card-1)*(configs-1))
	}
	best, bestGain := []int(nil), 0.0
	var try func(set []int, from int)
	try = func(set []int, from int) {
		if len(set) > 0 {
			if g := score(set); g > bestGain {
				best, bestGain = append([]int(nil), set...), g
			}
		}
		if len(set) == maxParents {
			return
		}
		for i := from; i < len(cands); i++ {
			try(append(set, cands[i]), i+1)
		}
	}
	try(nil, 0)
	return best, bestGain
}

// joined is a parent configuration per row, with the number of
// configurations.
type joined struct {
	states []int32
	card   int
}

// joinStates combines variables into one configuration index per row,
// mixed radix with the first variable most significant.
func joinStates(vars []variable, set []int, n int) joined {
	j := joined{states: make([]int32, n), card: 1}
	for _, p := range set {
		c := vars[p].card
		for i := 0; i < n; i++ {
			j.states[i] = j.states[i]*int32(c) + vars[p].states[i]
		}
		j.card *= c
	}
	return j
}

// mutualInformation estimates I(A;B) in nats from paired samples.
func mutualInformation(a []int32, ca int, b joined) float64 {
	cb := b.card
	joint := make([]float64, ca*cb)
	pa := make([]float64, ca)
	pb := make([]float64, cb)
	for i, x := range a {
		y := b.states[i]
		joint[int(x)*cb+int(y)]++
		pa[x]++
		pb[y]++
	}
	n := float64(len(a))
	mi := 0.0
	for x := 0; x < ca; x++ {
		if pa[x] == 0 {
			continue
		}
		row := joint[x*cb : (x+1)*cb]
		for y, c := range row {
			if c > 0 {
				mi += c / n * math.Log(c*n/(pa[x]*pb[y]))
			}
		}
	}
	return max(mi, 0)
}

// conditionalTable estimates P(child | parents) with one pseudo-observation
// spread by the child's marginal, so that rare configurations lean on the
// marginal and unseen ones equal it.
func conditionalTable(child []int32, cc int, parents joined, configs int) [][]float64 {
	marg := make([]float64, cc)
	for _, s := range child {
		marg[s]++
	}
	for k := range marg {
		marg[k] /= float64(len(child))
	}
	counts := make([][]float64, configs)
	for i := range counts {
		counts[i] = make([]float64, cc)
	}
	for i, s := range child {
		counts[parents.states[i]][s]++
	}
	const prior = 1.0
	for _, row := range counts {
		total := 0.0
		for _, c := range row {
			total += c
		}
		for k := range row {
			row[k] = (row[k] + prior*marg[k]) / (total + prior)
		}
	}
	return counts
}

// cholesky factors a correlation matrix, shrinking it towards the identity
// until it is positive definite (pairwise estimates need not be).
func cholesky(c [][]float64) [][]float64 {
	for shrink := 0.0; shrink < 1; shrink = shrink*2 + 1e-6 {
		if l, ok := tryCholesky(c, shrink); ok {
			return l
		}
	}
	l, _ := tryCholesky(c, 1)
	return l
}

func tryCholesky(c [][]float64, shrink float64) ([][]float64, bool) {
	p := len(c)
	l := make([][]float64, p)
	for i := 0; i < p; i++ {
		l[i] = make([]float64, p)
		for j := 0; j <= i; j++ {
			a := c[i][j] * (1 - shrink)
			if i == j {
				a = 1
			}
			for k := 0; k < j; k++ {
				a -= l[i][k] * l[j][k]
			}
			if i == j {
				if a <= 1e-10 {
					return nil, false
				}
				l[i][i] = math.Sqrt(a)
			} else {
				l[i][j] = a / l[j][j]
			}
		}
	}
	return l, true
}
