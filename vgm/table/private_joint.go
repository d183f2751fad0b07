package table

import (
	"fmt"
	"math"
	"slices"
)

// Shares of the joint model's ε in a private fit.
const (
	// privateCorrelationShare goes to the copula's correlations when the
	// model has a network (all of it for a copula model, or when no node
	// can have parents).
	privateCorrelationShare = 0.6
	// privateStructureShare is the network's share spent choosing
	// parents; the rest releases the conditional tables.
	privateStructureShare = 1.0 / 3
	// privateUsefulness is PrivBayes's θ: a node's table may have at most
	// rows·ε/θ cells, so that its counts stand out of the noise (each
	// count has noise of standard deviation √2/ε, against rows/cells ≥
	// θ/ε rows on average; the table is smoothed towards the marginal).
	// θ = 2 lets a node of three states have two numeric parents of 4
	// bins at ε = 1 on 1,461 rows.
	privateUsefulness = 2
	// privateCandidates bounds the (node, parents) candidates scored per
	// step of the network's structure (a random subset past it).
	privateCandidates = 512
)

// joint fits the copula and the network privately with epsilon:
//
//   - the copula's correlations come from noisy sums of
//     (u_a − ½)(u_b − ½) over the rows, u = F(x) under the (already
//     private) marginals, 0 for a null: each sum has sensitivity 1/4, the
//     P(P−1)/2 sums together 1/4 per pair in L1 (Laplace). The sum over
//     the released row count estimates Spearman's ρ/12, and r = 2·sin(πρ/6)
//     is the normal copula's correlation;
//   - the network's structure is chosen greedily as in PrivBayes: each
//     step the exponential mechanism picks a (node, parents) pair among
//     the pending nodes and parent sets of up to MaxParents placed
//     variables whose table is small enough (privateUsefulness), scored
//     by how many more rows the parents' most frequent child state
//     predicts than the child's own most frequent state (sensitivity 1);
//   - each node's table is released as noisy counts (Laplace, sensitivity
//     1), smoothed towards the node's private marginal. A node without
//     parents is its marginal, which costs nothing more.
func (f *privateFit) joint(m *Model, epsilon float64) error {
	nb := binsFor(int(f.n))
	copCols, us, vars, err := jointVariables(m, f.rows, f.s.Seed, nb)
	if err != nil {
		return err
	}
	maxParents := MaxParents
	if m.ModelType == ModelTypeCopula {
		maxParents = 0
	}
	nodes := 0
	for _, v := range vars {
		if !v.bin {
			nodes++
		}
	}
	epsCorr := epsilon
	if maxParents > 0 && nodes > 0 && len(vars) > 1 {
		epsCorr = epsilon * privateCorrelationShare
	}
	corr, err := f.correlations(m, copCols, us, epsCorr)
	if err != nil {
		return err
	}
	m.Copula = &Copula{Columns: copCols, Correlation: corr}
	net, err := f.network(m, vars, nb, maxParents, epsilon-epsCorr)
	if err != nil {
		return err
	}
	m.Network = net
	return nil
}

// correlations releases the copula's correlation matrix (see joint).
func (f *privateFit) correlations(m *Model, cols []int, us [][]float64, epsilon float64) ([][]float64, error) {
	p := len(cols)
	c := make([][]float64, p)
	for a := range c {
		c[a] = make([]float64, p)
		c[a][a] = 1
	}
	if p < 2 {
		return c, nil
	}
	l1 := float64(p*(p-1)/2) / 4
	for a := 0; a < p; a++ {
		for b := a + 1; b < p; b++ {
			s := 0.0
			for i, ua := range us[a] {
				if ub := us[b][i]; !math.IsNaN(ua) && !math.IsNaN(ub) {
					s += (ua - 0.5) * (ub - 0.5)
				}
			}
			s += f.noise.Laplace(l1 / epsilon)
			pa, pb := 1-m.Columns[cols[a]].NullFraction, 1-m.Columns[cols[b]].NullFraction
			rho := max(-1, min(1, 12*s/max(f.n*pa*pb, 1)))
			r := max(-1, min(1, 2*math.Sin(math.Pi*rho/6)))
			c[a][b], c[b][a] = r, r
		}
	}
	return c, f.acct.Spend(fmt.Sprintf("copula: %d correlation sums (Laplace, L1 sensitivity %g)", p*(p-1)/2, l1), epsilon, 0)
}

// network learns the network privately (see joint); epsilon is 0 for a
// network without parents.
func (f *privateFit) network(m *Model, vars []variable, nb, maxParents int, epsilon float64) (*Network, error) {
	var pending, available []int
	for i, v := range vars {
		if v.bin {
			available = append(available, i)
		} else {
			pending = append(pending, i)
		}
	}
	net := &Network{Bins: nb}
	d := float64(len(pending))
	epsStep, epsTable := epsilon*privateStructureShare/d, epsilon*(1-privateStructureShare)/d
	nodeOf := map[int]int{}
	ns := min(len(f.rows), structureRows)
	for len(pending) > 0 {
		v, parents := pending[0], []int(nil)
		if maxParents > 0 && epsilon > 0 {
			var err error
			if v, parents, err = f.chooseNode(vars, pending, available, ns, maxParents, epsStep, epsTable); err != nil {
				return nil, err
			}
		}
		pending = slices.DeleteFunc(pending, func(p int) bool { return p == v })
		node := vars[v].node
		ordered, configs := setParents(&node, vars, parents, nodeOf)
		marg := nodeMarginal(m, &node)
		if len(parents) == 0 {
			node.CPT = [][]float64{marg}
		} else {
			node.CPT = f.noisyTable(vars[v], joinStates(vars, ordered, len(f.rows)), configs, marg, epsTable)
			if err := f.acct.Spend(fmt.Sprintf("network: table of %s (Laplace, sensitivity 1)", m.nodeName(&node)), epsTable, 0); err != nil {
				return nil, err
			}
		}
		nodeOf[v] = len(net.Nodes)
		net.Nodes = append(net.Nodes, node)
		available = append(available, v)
	}
	return net, nil
}

// nodeName names a node in the accountant's list.
func (m *Model) nodeName(nd *NetworkNode) string {
	if nd.NullIndicator {
		return fmt.Sprintf("null(%s)", m.Columns[nd.Column].Name)
	}
	return fmt.Sprintf("%q", m.Columns[nd.Column].Name)
}

// chooseNode picks the next node and its parents with the exponential
// mechanism (see joint) and records the spending.
func (f *privateFit) chooseNode(vars []variable, pending, available []int, ns, maxParents int, epsilon, epsTable float64) (int, []int, error) {
	type candidate struct {
		v       int
		parents []int
	}
	var cands []candidate
	limit := f.n * epsTable / privateUsefulness
	for _, v := range pending {
		cands = append(cands, candidate{v: v})
		var try func(set []int, from, configs int)
		try = func(set []int, from, configs int) {
			for i := from; i < len(available); i++ {
				c := configs * vars[available[i]].card
				if c > maxConfigs || float64(c*vars[v].card) > limit {
					continue
				}
				next := append(slices.Clone(set), available[i])
				cands = append(cands, candidate{v, next})
				if len(next) < maxParents {
					try(next, i+1, c)
				}
			}
		}
		try(nil, 0, 1)
	}
	if len(cands) > privateCandidates {
		r := f.noise.Rand()
		for i := range privateCandidates {
			k := i + r.Intn(len(cands)-i)
			cands[i], cands[k] = cands[k], cands[i]
		}
		cands = cands[:privateCandidates]
	}
	scores := make([]float64, len(cands))
	for i, c := range cands {
		scores[i] = predictionGain(vars[c.v], joinStates(vars, c.parents, ns), ns)
	}
	pick := cands[f.noise.Exponential(scores, epsilon, 1)]
	err := f.acct.Spend(fmt.Sprintf("network: choice of a node and its parents among %d (exponential mechanism, sensitivity 1)", len(cands)), epsilon, 0)
	return pick.v, pick.parents, err
}

// predictionGain is how many more of the first ns rows the most frequent
// child state per parent configuration predicts than the child's most
// frequent state: one row more or less changes it by at most 1.
func predictionGain(child variable, parents joined, ns int) float64 {
	joint := make([]int, parents.card*child.card)
	marg := make([]int, child.card)
	for i := 0; i < ns; i++ {
		joint[int(parents.states[i])*child.card+int(child.states[i])]++
		marg[child.states[i]]++
	}
	gain := -slices.Max(marg)
	for k := 0; k < parents.card; k++ {
		gain += slices.Max(joint[k*child.card : (k+1)*child.card])
	}
	return float64(gain)
}

// noisyTable releases P(child | parents) as noisy counts, each row of the
// table smoothed towards the child's marginal with the weight of
// card/epsilon rows (the noise's scale times the row's cells).
func (f *privateFit) noisyTable(child variable, parents joined, configs int, marg []float64, epsilon float64) [][]float64 {
	counts := make([][]float64, configs)
	for i := range counts {
		counts[i] = make([]float64, child.card)
	}
	for i, s := range child.states {
		counts[parents.states[i]][s]++
	}
	prior := float64(child.card) / epsilon
	for _, row := range counts {
		total := 0.0
		for k := range row {
			row[k] = max(0, f.noise.Count(row[k], epsilon))
			total += row[k]
		}
		for k := range row {
			row[k] = (row[k] + prior*marg[k]) / (total + prior)
		}
	}
	return counts
}

// nodeMarginal is a node's distribution from its column's model: the
// categories (the "other" state holding the ones past the network's
// states), then null; or present and null for a null indicator.
func nodeMarginal(m *Model, nd *NetworkNode) []float64 {
	c := &m.Columns[nd.Column]
	if nd.NullIndicator {
		return []float64{1 - c.NullFraction, c.NullFraction}
	}
	total, values := c.States()
	p := make([]float64, total)
	for i, cat := range c.Categories {
		p[min(i, values)] += cat.Frequency * (1 - c.NullFraction)
	}
	if c.NullFraction > 0 {
		p[total-1] = c.NullFraction
	}
	return p
}
