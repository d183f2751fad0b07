package quality

import "math"

// seasonality lists the Seasonality of every Datetime × Numeric column
// pair whose real eta² reaches SeasonalityThreshold.
func seasonality(real, syn *Table) []Seasonality {
	out := []Seasonality{}
	for di := range real.Columns {
		rd, sd := &real.Columns[di], &syn.Columns[di]
		if rd.Kind != Datetime {
			continue
		}
		by, group := calendarGrouping(rd.Num)
		rg, sg := groups(rd.Num, group), groups(sd.Num, group)
		for xi := range real.Columns {
			rx, sx := &real.Columns[xi], &syn.Columns[xi]
			if rx.Kind != Numeric {
				continue
			}
			er := eta2(rx.Num, rg)
			if !(er >= SeasonalityThreshold) {
				continue
			}
			es := eta2(sx.Num, sg)
			gap := math.Abs(er - es)
			if math.IsNaN(es) {
				gap = er
			}
			out = append(out, Seasonality{Datetime: rd.Name, By: by, Column: rx.Name,
				RealEta2: er, SyntheticEta2: es, Gap: gap})
		}
	}
	return out
}

// calendarGrouping chooses the calendar part that groups the real values
// of a Datetime column: the hour of the day when some value has a time of
// day and they span less than 62 days, the month otherwise.
func calendarGrouping(x []float64) (string, func(float64) int) {
	lo, hi := math.Inf(1), math.Inf(-1)
	hasTime := false
	for _, v := range x {
		if numNull(v) {
			continue
		}
		lo, hi = min(lo, v), max(hi, v)
		if t := epochTime(v); t.Hour() != 0 || t.Minute() != 0 {
			hasTime = true
		}
	}
	if hasTime && hi-lo < 62*86400 {
		return "hour", func(v float64) int { return epochTime(v).Hour() }
	}
	return "month", func(v float64) int { return int(epochTime(v).Month()) }
}

// groups returns the group of each value, −1 for null.
func groups(x []float64, group func(float64) int) []int {
	out := make([]int, len(x))
	for i, v := range x {
		out[i] = -1
		if !numNull(v) {
			out[i] = group(v)
		}
	}
	return out
}

// eta2 returns the correlation ratio η² of x by the groups g (0–23 or
// 1–12; −1 is null) over the rows where both are non-null: the between-
// group sum of squares over the total sum of squares. NaN with fewer than
// 20 such rows or no variance.
func eta2(x []float64, g []int) float64 {
	var sum, n [25]float64
	var total, count float64
	for i, v := range x {
		if numNull(v) || g[i] < 0 {
			continue
		}
		sum[g[i]] += v
		n[g[i]]++
		total += v
		count++
	}
	if count < 20 {
		return math.NaN()
	}
	mean := total / count
	var ss float64
	for i, v := range x {
		if !numNull(v) && g[i] >= 0 {
			ss += (v - mean) * (v - mean)
		}
	}
	if ss == 0 {
		return math.NaN()
	}
	var between float64
	for k := range sum {
		if n[k] > 0 {
			d := sum[k]/n[k] - mean
			between += n[k] * d * d
		}
	}
	return between / ss
}
