package table

import (
	"errors"
	"fmt"
	"math"
)

// validateJoint checks the network and copula of a model file.
func (m *Model) validateJoint() error {
	if m.Network == nil || m.Copula == nil {
		return errors.New("model: a network model needs \"network\" and \"copula\"")
	}
	if m.Network.Bins < 2 || m.Network.Bins > MaxBins {
		return fmt.Errorf("model: network bins %d, want 2 to %d", m.Network.Bins, MaxBins)
	}
	inCopula := map[int]bool{}
	p := len(m.Copula.Columns)
	if len(m.Copula.Correlation) != p {
		return errors.New("model: copula correlation matrix has the wrong size")
	}
	for a, col := range m.Copula.Columns {
		if col < 0 || col >= len(m.Columns) || !m.Columns[col].inCopula() || inCopula[col] {
			return fmt.Errorf("model: copula column %d is not a numeric column, or repeated", col)
		}
		inCopula[col] = true
		if len(m.Copula.Correlation[a]) != p {
			return errors.New("model: copula correlation matrix has the wrong size")
		}
		for b, r := range m.Copula.Correlation[a] {
			if !(r >= -1 && r <= 1) || r != m.Copula.Correlation[b][a] {
				return fmt.Errorf("model: copula correlation [%d][%d] = %v is not a symmetric value in [-1, 1]", a, b, r)
			}
		}
	}
	for j := range m.Columns {
		if m.Columns[j].inCopula() && !inCopula[j] {
			return fmt.Errorf("model: numeric column %q is missing from the copula", m.Columns[j].Name)
		}
	}
	seen := map[[2]int]bool{}
	for i := range m.Network.Nodes {
		nd := &m.Network.Nodes[i]
		if nd.Column < 0 || nd.Column >= len(m.Columns) {
			return fmt.Errorf("model: network node %d names column %d, out of range", i, nd.Column)
		}
		c := &m.Columns[nd.Column]
		key := [2]int{nd.Column, 0}
		if nd.NullIndicator {
			key[1] = 1
			if !c.inCopula() {
				return fmt.Errorf("model: network node %d is a null indicator of a non-numeric column", i)
			}
		} else if c.Kind != Categorical && c.Kind != Boolean {
			return fmt.Errorf("model: network node %d names column %q, which is not discrete", i, c.Name)
		}
		if seen[key] {
			return fmt.Errorf("model: network node %d repeats column %q", i, c.Name)
		}
		seen[key] = true
		if len(nd.BinParents)+len(nd.NodeParents) > MaxParents {
			return fmt.Errorf("model: network node %d has more than %d parents", i, MaxParents)
		}
		configs := 1
		for _, col := range nd.BinParents {
			if !inCopula[col] {
				return fmt.Errorf("model: network node %d has bin parent %d, which is not in the copula", i, col)
			}
			configs *= m.Network.Bins
		}
		for _, p := range nd.NodeParents {
			if p < 0 || p >= i {
				return fmt.Errorf("model: network node %d has parent %d, which does not come before it", i, p)
			}
			configs *= m.nodeStates(&m.Network.Nodes[p])
		}
		if configs > maxConfigs {
			return fmt.Errorf("model: network node %d has more than %d parent configurations", i, maxConfigs)
		}
		if len(nd.CPT) != configs {
			return fmt.Errorf("model: network node %d has %d table rows, want %d", i, len(nd.CPT), configs)
		}
		for _, row := range nd.CPT {
			if err := checkDistribution(row, m.nodeStates(nd)); err != nil {
				return fmt.Errorf("model: network node %d: %w", i, err)
			}
		}
	}
	return nil
}

func checkDistribution(p []float64, n int) error {
	if len(p) != n {
		return fmt.Errorf("distribution has %d entries, want %d", len(p), n)
	}
	return checkProbabilities(p)
}

// checkProbabilities checks that each of p is a finite number >= 0 and
// that they sum to 1.
func checkProbabilities(p []float64) error {
	sum := 0.0
	for _, v := range p {
		if !(v >= 0) || !finite(v) {
			return fmt.Errorf("probability %v is not a finite number >= 0", v)
		}
		sum += v
	}
	if math.Abs(sum-1) > 1e-6 {
		return fmt.Errorf("probabilities sum to %v, not 1", sum)
	}
	return nil
}
