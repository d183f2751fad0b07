package table

import (
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// TestForestCalendarParts checks that the forest models the calendar
// parts another column depends on, and only those: a daily table whose
// temperature follows the month keeps the month and drops the weekday,
// unless sales follow the weekday.
func TestForestCalendarParts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sales bool // a column that depends on the weekday
		want  []string
	}{
		{"seasons", false, []string{PartMonth}},
		{"seasons and a week", true, []string{PartMonth, PartWeekday}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rng.New(5, 0)
			header := []string{"day", "temp", "kind", "sales"}
			var rows [][]string
			start := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)
			for i := 0; i < 1200; i++ {
				day := start.AddDate(0, 0, i)
				temp := 12 - 8*math.Cos(2*math.Pi*float64(day.YearDay())/365) + 3*r.NormFloat64()
				sales := 100 + 10*r.NormFloat64()
				if tc.sales && day.Weekday() == time.Saturday {
					sales += 80
				}
				rows = append(rows, []string{day.Format("2006-01-02"), strconv.FormatFloat(temp, 'f', 1, 64), []string{"a", "b", "c"}[r.Intn(3)], strconv.FormatFloat(sales, 'f', 0, 64)})
			}
			m := fitRows(t, header, rows, ModelTypeForest)
			var got []string
			for _, p := range m.Forest.Calendar {
				got = append(got, p.Part)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("calendar parts %v, want %v", got, tc.want)
			}
		})
	}
}

func TestChiSquareQuantile(t *testing.T) {
	for _, tc := range []struct{ p, df, want float64 }{
		{0.999, 1, 10.828}, {0.999, 6, 22.458}, {0.99, 11, 24.725}, {0.95, 23, 35.172}, {0.999, 300, 381.43},
	} {
		if got := chiSquareQuantile(tc.p, tc.df); math.Abs(got-tc.want) > 0.04*tc.want { // Wilson–Hilferty: within 4% from one degree of freedom on
			t.Errorf("chiSquareQuantile(%v, %v) = %.3f, want %.3f", tc.p, tc.df, got, tc.want)
		}
	}
}
