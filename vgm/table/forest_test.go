package table

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/vgmsynth/vgmsynth/vgm"
)

func TestCalendar(t *testing.T) {
	at := func(s string) int64 {
		tm, err := time.Parse("2006-01-02 15:04:05", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.Unix()
	}
	for _, tc := range []struct {
		in   string
		part string
		v    int
		want string
	}{
		{"2013-01-31 10:20:30", PartMonth, 1, "2013-02-28 10:20:30"},
		{"2012-01-31 10:20:30", PartMonth, 1, "2012-02-29 10:20:30"},
		{"1969-12-31 23:59:59", PartMonth, 5, "1969-06-30 23:59:59"},
		{"2014-02-10 00:00:00", PartMonth, 11, "2013-12-10 00:00:00"}, // the nearest December is the one before
		{"2013-12-31 00:00:00", PartMonth, 0, "2014-01-31 00:00:00"},
		{"2015-07-15 00:00:00", PartWeekday, 0, "2015-07-12 00:00:00"}, // Wednesday to the nearest Sunday
		{"2015-07-01 00:00:00", PartWeekday, 1, "2015-07-06 00:00:00"}, // Monday before leaves July: the next one
		{"2015-07-15 08:30:00", PartHour, 17, "2015-07-15 17:30:00"},
	} {
		got := time.Unix(setCalendar(tc.part, at(tc.in), tc.v), 0).UTC().Format("2006-01-02 15:04:05")
		if got != tc.want {
			t.Errorf("setCalendar(%s, %s, %d) = %s, want %s", tc.part, tc.in, tc.v, got, tc.want)
		}
		if p := calendarPart(tc.part, at(tc.want)); p != tc.v {
			t.Errorf("calendarPart(%s, %s) = %d, want %d", tc.part, tc.want, p, tc.v)
		}
	}
	for days := int64(-800000); days < 800000; days += 997 {
		y, m, d := civil(days)
		if back := daysFromCivil(y, m, d); back != days {
			t.Fatalf("daysFromCivil(civil(%d)) = %d", days, back)
		}
	}
}

func TestNormalQuantile(t *testing.T) {
	for _, p := range []float64{1e-12, 1e-6, 0.001, 0.02, 0.1, 0.5, 0.77, 0.99, 1 - 1e-9} {
		want := -math.Sqrt2 * math.Erfcinv(2*p)
		if got := normalQuantile(p); math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("normalQuantile(%v) = %v, want %v", p, got, want)
		}
	}
}

// TestForestKeepsSeasonality fits the example table and checks that the
// month still explains most of temp_max's variance in generated rows.
func TestForestKeepsSeasonality(t *testing.T) {
	m := fitExample(t, ModelTypeForest, 1461)
	if m.Forest == nil || len(m.Forest.Calendar) == 0 || m.Forest.Calendar[0].Part != PartMonth {
		t.Fatalf("want a forest with the date's month, got %+v", m.Forest)
	}
	if s := m.Forest.Summary(m); !strings.Contains(s, "date.month") {
		t.Errorf("summary does not name the calendar parts: %s", s)
	}
	g, blocks := conditionalRows(t, m, nil, 1, BlockSize)
	b := blocks[0]
	date, tmax := columnIndex(m, "date"), columnIndex(m, "temp_max")
	var sum, sum2 [12]float64
	var count [12]float64
	var all, all2 float64
	for i := 0; i < b.N; i++ {
		mo := calendarPart(PartMonth, int64(b.Cols[date].Num[i]))
		x := b.Cols[tmax].Num[i]
		sum[mo] += x
		sum2[mo] += x * x
		count[mo]++
		all += x
		all2 += x * x
	}
	n := float64(b.N)
	between := 0.0
	for mo := range sum {
		if count[mo] > 0 {
			between += count[mo] * math.Pow(sum[mo]/count[mo]-all/n, 2)
		}
	}
	eta2 := between / (all2 - all*all/n)
	t.Logf("eta² %.3f", eta2)
	if eta2 < 0.65 { // 0.76 in the real table
		t.Errorf("eta² of temp_max by month = %.3f, want about 0.76", eta2)
	}
	// The same seed and block give the same rows; a shorter block is a
	// prefix.
	b2 := g.NewBlock()
	g.Fill(b2, 1, 0, 100)
	for i := 0; i < 100; i++ {
		if b2.Cols[tmax].Num[i] != b.Cols[tmax].Num[i] || b2.Cols[date].Num[i] != b.Cols[date].Num[i] {
			t.Fatalf("row %d differs between a full and a short block", i)
		}
	}
}

func columnIndex(m *Model, name string) int {
	for j := range m.Columns {
		if m.Columns[j].Name == name {
			return j
		}
	}
	return -1
}

func TestForestValidation(t *testing.T) {
	m := fitExample(t, ModelTypeForest, 400)
	for _, tc := range []struct {
		name  string
		spoil func(*Model)
		want  string
	}{
		{"no forest", func(m *Model) { m.Forest = nil }, "needs \"forest\""},
		{"weights", func(m *Model) { m.Forest.Components[0].Weight *= 2 }, "weights sum"},
		{"columns", func(m *Model) { m.Forest.Components[0].Columns = nil }, "columns"},
		{"sd", func(m *Model) { m.Forest.Components[0].Columns[1].SD = -1 }, "sd > 0"},
		{"box", func(m *Model) { m.Forest.Components[0].Columns[1].Hi = 100 }, "lo < hi"},
		{"state", func(m *Model) { m.Forest.Components[0].Columns[5].Dist.States[0] = 999 }, "out of range"},
		{"calendar", func(m *Model) { m.Forest.Calendar[0].Column = 1 }, "calendar part"},
		{"trees", func(m *Model) { m.Forest.Trees = 1 << 20 }, "trees"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := reencode(t, m)
			tc.spoil(c)
			if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestDayTable checks that setting calendar parts through a day table
// gives the same seconds as converting every day, inside its window and
// out of it, except where the nearest month leaves the window: the table
// then goes the other way.
func TestDayTable(t *testing.T) {
	lo, hi := 946684800.0, 1009843199.0 // 2000-01-01 .. 2001-12-31
	tab := newDayTable(lo, hi)
	if tab == nil {
		t.Fatal("no table for two years")
	}
	for _, tc := range []struct {
		kind, states int
	}{{kindMonth, 12}, {kindWeekday, 7}, {kindHour, 24}} {
		for local := int64(lo) - 40*secondsPerDay; local < int64(hi)+40*secondsPerDay; local += 7919 {
			days, sec := floorDiv(local, secondsPerDay)
			for v := 0; v < tc.states; v++ {
				d1, s1 := tab.set(tc.kind, days, sec, v)
				d2, s2 := (*dayTable)(nil).set(tc.kind, days, sec, v)
				if tc.kind == kindMonth && (d2 < tab.lo || d2 > tab.hi) && d1 != d2 {
					// The nearest month leaves the window: the table
					// goes the other way, into it.
					if d1 < tab.lo || d1 > tab.hi {
						t.Fatalf("month of %d set to %d: table %d, want the other way, in [%d, %d]", local, v, d1, tab.lo, tab.hi)
					}
					continue
				}
				if d1 != d2 || s1 != s2 {
					t.Fatalf("part %d of %d set to %d: table %d,%d, converted %d,%d", tc.kind, local, v, d1, s1, d2, s2)
				}
			}
		}
	}
	if newDayTable(-1e13, 1e13) != nil {
		t.Error("a table for 600,000 years")
	}
}

// TestSetParts checks that setting month, weekday and hour at once gives
// what setting them one after the other does, for every subset of the
// parts, inside the table's window and out of it (where it declines).
func TestSetParts(t *testing.T) {
	lo, hi := 946684800.0, 1009843199.0 // 2000-01-01 .. 2001-12-31 (2000 a leap year)
	tab := newDayTable(lo, hi)
	for local := int64(lo) - 40*secondsPerDay; local < int64(hi)+40*secondsPerDay; local += 20011 {
		days, sec := floorDiv(local, secondsPerDay)
		for mask := 0; mask < 8; mask++ {
			for month := -1; month < 12; month++ {
				for wd := -1; wd < 7; wd++ {
					vals := [3]int{month, wd, 5 + mask}
					want := [2]int64{days, sec}
					skip := false
					for kind, v := range vals {
						if mask&(1<<kind) == 0 {
							vals[kind] = -1
						} else if v < 0 {
							skip = true
						} else {
							want[0], want[1] = tab.set(kind, want[0], want[1], v)
						}
					}
					if skip {
						continue
					}
					d, s, ok := tab.setParts(days, sec, vals[0], vals[1], vals[2])
					if ok && (d != want[0] || s != want[1]) {
						t.Fatalf("parts %v of %d: at once %d,%d, in turn %d,%d", vals, local, d, s, want[0], want[1])
					}
					if !ok && local >= int64(lo) && local <= int64(hi) {
						t.Fatalf("parts %v of %d in the window declined", vals, local)
					}
				}
			}
		}
	}
}

// TestForestUTable checks the tabulated u = Φ(z) of every component of
// the example forest against the computed one: within 5% of the
// component's spread everywhere, 0.1% on average (components that draw
// only atoms of a column never read it).
func TestForestUTable(t *testing.T) {
	g, err := NewGenerator(fitExample(t, ModelTypeForest, 1461))
	if err != nil {
		t.Fatal(err)
	}
	for _, fn := range g.forest.num {
		worst, sum, n := 0.0, 0.0, 0
		for k := range fn.cells {
			c := &fn.cells[k]
			spread := c.u(1-1.0/uKnots) - c.u(1.0/uKnots)
			if spread < 1e-9 || c.amass >= 1 { // never read: a point, or atoms only
				continue
			}
			for q := 1; q < uKnots-1; q++ {
				for _, f := range []float64{0.25, 0.5, 0.75} {
					h := float64(q) + f
					a, b := float64(fn.u[k*(uKnots+1)+q]), float64(fn.u[k*(uKnots+1)+q+1])
					e := math.Abs(a+f*(b-a)-c.u(h/uKnots)) / spread
					worst, sum, n = max(worst, e), sum+e, n+1
				}
			}
		}
		if worst > 0.05 || sum/float64(max(n, 1)) > 0.001 {
			t.Errorf("column %d: interpolated u off by %.4f of a component's spread at worst, %.5f on average", fn.col, worst, sum/float64(max(n, 1)))
		}
	}
}

// TestForestEncodeRoundTrip checks that a forest model file, its
// components one to a line, decodes to the same model.
func TestForestEncodeRoundTrip(t *testing.T) {
	m := fitExample(t, ModelTypeForest, 500)
	b, err := m.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Count(string(b), "\n"); lines < len(m.Forest.Components) {
		t.Errorf("%d lines for %d components", lines, len(m.Forest.Components))
	}
	back, err := DecodeModel(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := back.Encode()
	if err != nil || string(b2) != string(b) {
		t.Errorf("encode, decode, encode: %v, %d bytes then %d", err, len(b), len(b2))
	}
}

// TestForestAtoms checks that a forest draws a column's atoms as atoms:
// orders.csv's valid_to holds the sentinel 9999-12-31 in 0.287 of its
// rows, and the generated share stays within 0.05 of it (through the
// leaves' normal scores it fell to 0.128). The model file keeps the
// leaves' atoms through encode and decode, and a leaf's atoms in a column
// without atoms are refused.
func TestForestAtoms(t *testing.T) {
	header, rows := readShapes(t, "orders.csv", ',')
	m := fitOrdersForest(t)
	j := indexOf(header, "valid_to")
	if m.Forest.Components[0].Columns[j].Atoms == nil {
		t.Fatal("valid_to's leaves have no atoms")
	}
	back := reencode(t, m)
	g, err := NewGenerator(back)
	if err != nil {
		t.Fatal(err)
	}
	var gen []string
	blk := g.NewBlock()
	for k := int64(0); k < 2; k++ {
		g.Fill(blk, 3, k, BlockSize)
		for i := 0; i < blk.N; i++ {
			if !blk.Cols[j].Null[i] {
				gen = append(gen, string(g.AppendText(nil, blk, j, i)))
			}
		}
	}
	real, synth := share(column(rows, j), "9999-12-31"), share(gen, "9999-12-31")
	if math.Abs(synth-real) > 0.05 {
		t.Errorf("sentinel holds %.3f of generated values, %.3f of real ones", synth, real)
	}
	for k := range back.Columns {
		if len(back.Columns[k].Atoms) == 0 && back.Columns[k].inCopula() {
			back.Forest.Components[0].Columns[k].Atoms = &Dist{States: []int{0}, Probs: []float64{1}}
			if err := back.Validate(); err == nil {
				t.Errorf("column %q: atoms in a leaf of a column without atoms accepted", back.Columns[k].Name)
			}
			break
		}
	}
}

// fitOrdersForest fits a forest to testdata/shapes/orders.csv: datetimes
// with calendar parts, numbers with atoms, nulls.
func fitOrdersForest(t testing.TB) *Model {
	t.Helper()
	header, rows := readShapes(t, "orders.csv", ',')
	sum := NewSummary(header, 10000, 1)
	for i, r := range rows {
		if err := sum.Add("orders.csv", int64(i), int64(i+2), r); err != nil {
			t.Fatal(err)
		}
	}
	m, err := Fit(sum, FitOptions{VGM: vgm.DefaultConfig(), MinCategoryCount: DefaultMinCategoryCount, ModelType: ModelTypeForest})
	if err != nil {
		t.Fatal(err)
	}
	return m
}
