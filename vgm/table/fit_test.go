package table

import (
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/vgmsynth/vgmsynth/vgm"
	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// summaryOf adds rows (header order, "" for null) to a new Summary that
// samples them all.
func summaryOf(t testing.TB, header []string, rows [][]string) *Summary {
	t.Helper()
	s := NewSummary(header, len(rows), 1)
	for i, row := range rows {
		if err := s.Add("t.csv", int64(i), int64(i+2), row); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// fitRows fits rows with the default options and modelType; the mined
// rules are off, so that what is tested is the model itself.
// texts returns f(0), ..., f(n-1).
func texts(n int, f func(i int) string) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = f(i)
	}
	return out
}

// reencode writes m as a model file and reads it back.
func reencode(t testing.TB, m *Model) *Model {
	t.Helper()
	b, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeModel(b)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func fitRows(t testing.TB, header []string, rows [][]string, modelType string) *Model {
	t.Helper()
	m, err := Fit(summaryOf(t, header, rows), FitOptions{VGM: vgm.DefaultConfig(), ModelType: modelType,
		MinCategoryCount: DefaultMinCategoryCount, Rules: RuleOptions{NoMined: true}})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// meanStd is the mean and standard deviation of the finite values.
func meanStd(x []float64) (mean, std float64) {
	var n, s, ss float64
	for _, v := range x {
		if !math.IsNaN(v) {
			n, s, ss = n+1, s+v, ss+v*v
		}
	}
	mean = s / n
	return mean, math.Sqrt(max(0, ss/n-mean*mean))
}

// tvDistance is the total variation distance between the frequencies of
// the non-null values of a and b.
func tvDistance(a, b []string) float64 {
	count := func(x []string) (map[string]float64, float64) {
		m, n := map[string]float64{}, 0.0
		for _, v := range x {
			if v != "" {
				m[v]++
				n++
			}
		}
		return m, n
	}
	ca, na := count(a)
	cb, nb := count(b)
	d := 0.0
	for v, c := range ca {
		d += math.Abs(c/na - cb[v]/nb)
	}
	for v, c := range cb {
		if _, ok := ca[v]; !ok {
			d += c / nb
		}
	}
	return d / 2
}

// TestFitKinds fits one column of each kind, a tenth of it null, and
// generates as many rows: the column keeps its kind (the generated values
// are inferred alike), its null share and its distribution, and IDs and
// rare text are never copied.
func TestFitKinds(t *testing.T) {
	const n = 3000
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	words := []string{"red", "green", "blue", "amber"}
	tests := []struct {
		name  string
		value func(i int, r *rng.Rand) string
		kind  Kind
		// never is true of real values that must not be generated.
		never func(v string) bool
	}{
		{"float", func(_ int, r *rng.Rand) string { return strconv.FormatFloat(20+5*r.NormFloat64(), 'f', 2, 64) }, Float, nil},
		{"integer", func(_ int, r *rng.Rand) string { return strconv.Itoa(1000 + r.Intn(9000)) }, Integer, nil},
		{"datetime", func(_ int, r *rng.Rand) string {
			return day.Add(time.Duration(r.Intn(365*86400)) * time.Second).Format("2006-01-02 15:04:05")
		}, Datetime, nil},
		{"date", func(_ int, r *rng.Rand) string { return day.AddDate(0, 0, r.Intn(3*365)).Format("2006-01-02") }, Datetime, nil},
		{"categorical", func(_ int, r *rng.Rand) string { return words[min(r.Intn(7), 3)] }, Categorical, nil},
		{"boolean", func(_ int, r *rng.Rand) string { return []string{"yes", "no", "no"}[r.Intn(3)] }, Boolean, nil},
		{"id", func(i int, _ *rng.Rand) string { return fmt.Sprintf("ORD-%06d", 7*i+3) }, ID,
			func(v string) bool { return true }},
		// Text: common sentences, and rare ones that must not be copied.
		{"text", func(i int, r *rng.Rand) string {
			if i%3 == 0 {
				return fmt.Sprintf("Note number %d was left by %s.", i, words[r.Intn(4)])
			}
			return "Left at the door."
		}, Categorical, func(v string) bool { return v != "Left at the door." }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rng.New(7, 0)
			real := make([][]string, n)
			var values []string
			for i := range real {
				v := ""
				if i%10 != 9 {
					v = tt.value(i, &r)
					values = append(values, v)
				}
				real[i] = []string{v}
			}
			m := fitRows(t, []string{tt.name}, real, ModelTypeNetwork)
			c := &m.Columns[0]
			if c.Kind != tt.kind || math.Abs(c.NullFraction-0.1) > 1e-9 {
				t.Fatalf("fitted %v with %v nulls, want %v with 0.1", c.Kind, c.NullFraction, tt.kind)
			}
			gen := generatedColumns(t, m, 3, n)[0]
			if nulls := share(gen.Text, ""); math.Abs(nulls-0.1) > 0.03 {
				t.Errorf("generated null share %.3f, want 0.1", nulls)
			}
			var text []string
			for _, v := range gen.Text {
				if v != "" {
					text = append(text, v)
				}
			}
			if got := Infer(text); got.Kind != tt.kind {
				t.Errorf("generated values infer as %v, want %v: %q", got.Kind, tt.kind, text[:5])
			}
			realSet := map[string]bool{}
			for _, v := range values {
				realSet[v] = true
			}
			switch {
			case tt.never != nil:
				seen := map[string]bool{}
				for _, v := range text {
					if realSet[v] && tt.never(v) {
						t.Fatalf("generated %q copies a real value", v)
					}
					if tt.kind == ID && seen[v] {
						t.Fatalf("id %q generated twice", v)
					}
					seen[v] = true
				}
			case tt.kind.Numeric():
				realNum := make([]float64, len(values))
				for i, v := range values {
					realNum[i], _ = ParseValue(c.Kind, c.Format, v)
				}
				rm, rs := meanStd(realNum)
				gm, gs := meanStd(gen.Num)
				if math.Abs(gm-rm) > 0.1*rs || math.Abs(gs-rs) > 0.1*rs {
					t.Errorf("mean %g, std %g; real %g, %g", gm, gs, rm, rs)
				}
			default:
				if d := tvDistance(values, text); d > 0.03 {
					t.Errorf("frequencies %.3f from the real ones (total variation)", d)
				}
			}
		})
	}
}

// dependentRows is a table with a code -> label mapping, two correlated
// numbers and four discrete columns that each depend on the code and on
// one another, so that the network has more candidate parents than it may
// take.
func dependentRows(n int) (header []string, rows [][]string) {
	header = []string{"code", "label", "x", "y", "d1", "d2", "d3", "d4"}
	r := rng.New(11, 0)
	for i := 0; i < n; i++ {
		code := min(r.Intn(12), 7) // 8 codes, the last one most frequent
		x := r.NormFloat64()
		y := 0.8*x + 0.6*r.NormFloat64()
		d := make([]int, 4)
		for k := range d {
			d[k] = (code + k) % 3
			if k > 0 {
				d[k] = (d[k] + d[k-1]) % 3
			}
			if r.Intn(10) == 0 {
				d[k] = r.Intn(3)
			}
		}
		rows = append(rows, []string{
			fmt.Sprintf("C%d", code), fmt.Sprintf("label of C%d", code),
			strconv.FormatFloat(x, 'f', 3, 64), strconv.FormatFloat(y, 'f', 3, 64),
			strconv.Itoa(d[0]), strconv.Itoa(d[1]), strconv.Itoa(d[2]), strconv.Itoa(d[3]),
		})
	}
	return header, rows
}

// TestJointModel fits the dependent table with each model type. Every
// model keeps the code's frequencies; the network keeps at most MaxParents
// parents per node and the code -> label mapping (which the copula alone
// and independent columns lose); the copula keeps the correlation of x and
// y (which independent columns lose).
func TestJointModel(t *testing.T) {
	const n = 4000
	header, rows := dependentRows(n)
	realX, realY := make([]float64, n), make([]float64, n)
	for i, row := range rows {
		realX[i], _ = strconv.ParseFloat(row[2], 64)
		realY[i], _ = strconv.ParseFloat(row[3], 64)
	}
	realR := pearson(realX, realY)
	tests := []struct {
		modelType  string
		maxParents int
		mapping    bool // whether 99% of the rows keep code -> label (else at most half)
		corr       bool // whether x and y keep their correlation (else none)
	}{
		{ModelTypeNetwork, MaxParents, true, true},
		{ModelTypeCopula, 0, false, true},
		{ModelTypeIndependent, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.modelType, func(t *testing.T) {
			m := fitRows(t, header, rows, tt.modelType)
			if m.Network != nil {
				for _, nd := range m.Network.Nodes {
					if p := len(nd.BinParents) + len(nd.NodeParents); p > tt.maxParents {
						t.Errorf("node of column %d has %d parents, want at most %d", nd.Column, p, tt.maxParents)
					}
				}
			}
			gen := generatedColumns(t, m, 5, n)
			kept := 0.0
			for i, code := range gen[0].Text {
				if gen[1].Text[i] == "label of "+code {
					kept++
				}
			}
			kept /= float64(n)
			if tt.mapping && kept < 0.99 || !tt.mapping && kept > 0.5 {
				t.Errorf("%.3f of the rows keep code -> label", kept)
			}
			if d := tvDistance(column(rows, 0), gen[0].Text); d > 0.03 {
				t.Errorf("code frequencies %.3f from the real ones (total variation)", d)
			}
			r := pearson(gen[2].Num, gen[3].Num)
			if tt.corr && math.Abs(r-realR) > 0.05 || !tt.corr && math.Abs(r) > 0.05 {
				t.Errorf("corr(x, y) = %.3f; real %.3f", r, realR)
			}
		})
	}
}

// TestGenerateBlocks checks what generation promises of blocks, for each
// model type: a block's rows depend only on the model, the seed and the
// block's index (not on the generator, nor on which blocks came before), a
// shorter block is a prefix of the full one, and another seed gives other
// rows.
func TestGenerateBlocks(t *testing.T) {
	header, rows := dependentRows(1500)
	for _, mt := range []string{ModelTypeNetwork, ModelTypeCopula, ModelTypeIndependent, ModelTypeForest} {
		t.Run(mt, func(t *testing.T) {
			m := fitRows(t, header, rows, mt)
			text := func(g *Generator, b *Block) string {
				var out []byte
				for i := 0; i < b.N; i++ {
					for j := range g.Model.Columns {
						out = g.AppendText(out, b, j, i)
						out = append(out, ',')
					}
					out = append(out, '\n')
				}
				return string(out)
			}
			block := func(g *Generator, seed uint64, index int64, n int) string {
				b := g.NewBlock()
				g.Fill(b, seed, index, n)
				if b.N != n || b.Start != index*BlockSize {
					t.Fatalf("block %d holds %d rows from %d, want %d from %d", index, b.N, b.Start, n, index*BlockSize)
				}
				return text(g, b)
			}
			g1, err := NewGenerator(m)
			if err != nil {
				t.Fatal(err)
			}
			first := block(g1, 9, 2, 1000) // before any other block
			block(g1, 9, 0, BlockSize)
			block(g1, 9, 1, BlockSize)
			g2, err := NewGenerator(m)
			if err != nil {
				t.Fatal(err)
			}
			full := block(g2, 9, 2, BlockSize)
			if again := block(g2, 9, 2, 1000); again != first {
				t.Error("block 2 differs between generators or after other blocks")
			}
			if full[:len(first)] != first {
				t.Error("a 1000-row block 2 is not a prefix of the full block 2")
			}
			if block(g2, 10, 2, 1000) == first {
				t.Error("seeds 9 and 10 give the same rows")
			}
		})
	}
}

// TestRareValuesOutsideSample fits a text column whose counts are exact
// over every row while its few rare values (seen once each) may all miss
// the sample: the model still has a text model for its new-values
// category, and validates.
func TestRareValuesOutsideSample(t *testing.T) {
	cities := []string{"Boston", "Denver", "Austin", "Chicago", "Miami", "Dallas", "Seattle", "Portland", "Atlanta", "Houston"}
	for _, sampleSize := range []int{10, 50, 2000} {
		s := NewSummary([]string{"origin"}, sampleSize, 1)
		for i := range 2000 {
			v := cities[i%len(cities)] // 200 rows each
			if i%500 == 7 {
				v = fmt.Sprintf("Rare %c", 'a'+i%26) // once each
			}
			if err := s.Add("t.csv", int64(i), int64(i+2), []string{v}); err != nil {
				t.Fatal(err)
			}
		}
		m, err := Fit(s, FitOptions{VGM: vgm.DefaultConfig(), MinCategoryCount: DefaultMinCategoryCount})
		if err != nil {
			t.Fatalf("sample of %d: %v", sampleSize, err)
		}
		if c := m.Columns[0]; c.Text == nil {
			t.Errorf("sample of %d: no text model for the rare values (kind %v, %d categories)", sampleSize, c.Kind, len(c.Categories))
		}
	}
}
