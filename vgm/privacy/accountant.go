// Package privacy holds the differential-privacy mechanisms of a private
// fit and the accountant that adds up what they spend. It is math without
// Beam and without the table model: noisy counts, thresholded histograms of
// values from an unknown domain, the exponential mechanism, and a private
// histogram of numbers with no known bounds.
//
// Neighbouring datasets differ by one row added or removed. A count of rows
// has sensitivity 1, so does a histogram in which every row falls in
// exactly one cell. The Laplace mechanism adds noise of scale b = Δ/ε to
// each released count: the noise has standard deviation √2·b. A mechanism
// that releases only the cells of an unknown domain whose noisy count
// reaches τ = 1 + ln(1/(2δ))/ε is (ε, δ)-differentially private (a cell
// held by one row passes with probability at most δ). The accountant uses
// basic composition: the ε and the δ of the mechanisms run on the same rows
// add up.
package privacy

import (
	"errors"
	"fmt"
	"math"
)

// Mechanism is one use of the data: what it released, and the privacy it
// spent.
type Mechanism struct {
	Name    string  `json:"name"`
	Epsilon float64 `json:"epsilon"`
	Delta   float64 `json:"delta,omitempty"`
}

// Budget is what a private fit promises and spent, as the model file
// records it.
type Budget struct {
	// Epsilon and Delta are the guarantee: the sums of the mechanisms'.
	Epsilon float64 `json:"epsilon"`
	Delta   float64 `json:"delta"`
	// Unit is what neighbouring datasets differ by: "row".
	Unit string `json:"unit"`
	// Mechanisms lists each use of the data, in order.
	Mechanisms []Mechanism `json:"mechanisms"`
}

// Accountant hands out a total budget (ε, δ) to mechanisms and records
// what each spent. Basic composition: spent ε and δ add up, and Spend
// refuses to go past the total.
type Accountant struct {
	total Budget
	spent Budget
}

// slack absorbs the rounding of budget shares that sum to the total.
const slack = 1e-9

// NewAccountant returns an accountant for (epsilon, delta)-differential
// privacy over rows.
func NewAccountant(epsilon, delta float64) (*Accountant, error) {
	if err := CheckBudget(epsilon, delta); err != nil {
		return nil, err
	}
	return &Accountant{total: Budget{Epsilon: epsilon, Delta: delta, Unit: "row"}}, nil
}

// CheckBudget reports whether (epsilon, delta) is a usable guarantee.
func CheckBudget(epsilon, delta float64) error {
	if !(epsilon > 0) || math.IsInf(epsilon, 0) {
		return fmt.Errorf("epsilon %v: want a finite number above 0", epsilon)
	}
	if !(delta > 0 && delta < 1) {
		return fmt.Errorf("delta %v: want a number in (0, 1), such as 1e-6 (thresholding categories, whose values come from the data, needs delta > 0)", delta)
	}
	return nil
}

// Spend records a mechanism's (epsilon, delta).
func (a *Accountant) Spend(name string, epsilon, delta float64) error {
	if !(epsilon > 0) || delta < 0 {
		return fmt.Errorf("privacy: mechanism %q spends epsilon %v, delta %v: want epsilon > 0, delta >= 0", name, epsilon, delta)
	}
	if a.spent.Epsilon+epsilon > a.total.Epsilon*(1+slack) || a.spent.Delta+delta > a.total.Delta*(1+slack) {
		return fmt.Errorf("privacy: mechanism %q would spend past the budget (epsilon %v of %v, delta %v of %v spent)", name, a.spent.Epsilon, a.total.Epsilon, a.spent.Delta, a.total.Delta)
	}
	a.spent.Epsilon += epsilon
	a.spent.Delta += delta
	a.spent.Mechanisms = append(a.spent.Mechanisms, Mechanism{Name: name, Epsilon: epsilon, Delta: delta})
	return nil
}

// Left returns the budget not yet spent.
func (a *Accountant) Left() (epsilon, delta float64) {
	return max(0, a.total.Epsilon-a.spent.Epsilon), max(0, a.total.Delta-a.spent.Delta)
}

// Budget returns the guarantee with the mechanisms that spent it. The
// guarantee is the total asked for: what was not spent is still promised.
func (a *Accountant) Budget() *Budget {
	b := a.total
	b.Mechanisms = append([]Mechanism(nil), a.spent.Mechanisms...)
	return &b
}

// Validate checks a budget read from a model file.
func (b *Budget) Validate() error {
	if err := CheckBudget(b.Epsilon, b.Delta); err != nil {
		return fmt.Errorf("privacy: %w", err)
	}
	if b.Unit != "row" {
		return fmt.Errorf("privacy: unit %q, want \"row\"", b.Unit)
	}
	var eps, delta float64
	for _, m := range b.Mechanisms {
		if !(m.Epsilon > 0) || !(m.Delta >= 0) || m.Name == "" {
			return fmt.Errorf("privacy: mechanism %q spends epsilon %v, delta %v", m.Name, m.Epsilon, m.Delta)
		}
		eps += m.Epsilon
		delta += m.Delta
	}
	if eps > b.Epsilon*(1+1e-6) || delta > b.Delta*(1+1e-6) {
		return errors.New("privacy: the mechanisms spend more than the recorded epsilon and delta")
	}
	return nil
}
