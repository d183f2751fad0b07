package table

import "github.com/vgmsynth/vgmsynth/vgm/rng"

// nodeCond conditions one network node on a set of its states, so that a
// candidate row rarely fails a condition on a discrete column only after
// it is drawn. Where the node's parents take configuration c, the row is
// kept with probability P(allowed | c) / max over c of P(allowed | c), and
// the node's state is drawn from its table restricted to the allowed
// states. A kept row's parents then follow P(c | allowed) and its state
// P(state | c, allowed): the model's distribution given the condition, as
// plain rejection gives it, with the acceptance divided by that maximum
// (1 for a node without parents: exact conditioning).
type nodeCond struct {
	p    []float64    // per configuration: P(allowed | c)
	max  float64      // the largest p
	rows []*rng.Alias // per configuration: the table restricted; nil where p is 0
	any  int          // an allowed state, for a row that is not kept
}

// sample draws the node's state for configuration cfg and reports whether
// the row is kept.
func (nc *nodeCond) sample(cfg int, r *rng.Rand) (int, bool) {
	w := nc.p[cfg]
	if w < nc.max && r.Float64()*nc.max >= w {
		return nc.any, false
	}
	return nc.rows[cfg].Sample(r), true
}

// nodeConds returns, per network node, the nodeCond that the tests ask
// of it (nil for none), or nil where they ask nothing of a network node.
func (j *jointGen) nodeConds(m *Model, tests []condTest) []*nodeCond {
	var out []*nodeCond
	for k := range j.nodes {
		nd := &j.nodes[k]
		if nd.nullInd {
			continue
		}
		allowed := make([]bool, nd.total)
		for s := range allowed {
			allowed[s] = !(nd.nullable && s == nd.total-1) // a null meets no condition
		}
		touched := false
		for _, t := range tests {
			if t.col != nd.col || m.Columns[t.col].Kind.Numeric() {
				continue
			}
			touched = true
			st := min(int(t.cat), nd.values) // the "other" state holds the rarest values
			for s := range allowed {
				if t.op == "=" && s != st || t.op == "!=" && s == st && st < nd.values {
					allowed[s] = false
				}
			}
		}
		if !touched {
			continue
		}
		nc := newNodeCond(m.Network.Nodes[k].CPT, allowed)
		if nc == nil {
			return nil // never met: the pilot refuses it
		}
		if out == nil {
			out = make([]*nodeCond, len(j.nodes))
		}
		out[k] = nc
	}
	return out
}

func newNodeCond(cpt [][]float64, allowed []bool) *nodeCond {
	nc := &nodeCond{p: make([]float64, len(cpt)), rows: make([]*rng.Alias, len(cpt)), any: -1}
	for s, ok := range allowed {
		if ok && nc.any < 0 {
			nc.any = s
		}
	}
	for c, row := range cpt {
		w := make([]float64, len(row))
		for s, x := range row {
			if allowed[s] {
				w[s] = x
				nc.p[c] += x
			}
		}
		if nc.p[c] > 0 {
			nc.rows[c], _ = rng.NewAlias(w)
			nc.max = max(nc.max, nc.p[c])
		}
	}
	if nc.max == 0 {
		return nil
	}
	return nc
}
