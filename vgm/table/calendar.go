package table

// Calendar parts of datetimes, in the column's zone, by integer civil-date
// arithmetic (civil, in text.go, and its inverse daysFromCivil): the
// generation path needs no time.Time.

import "math"

const secondsPerDay = 86400

// daysFromCivil is the inverse of civil.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := m + 9
	if m > 2 {
		mp = m - 3
	}
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// daysIn is the number of days of a month.
func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// floorDiv is a / b rounded down, and the non-negative remainder.
func floorDiv(a, b int64) (int64, int64) {
	q, r := a/b, a%b
	if r < 0 {
		q--
		r += b
	}
	return q, r
}

// calendarPart is the value of a calendar part (month 0-11, weekday 0-6
// from Sunday, hour 0-23) of local seconds since the epoch.
func calendarPart(part string, local int64) int {
	days, sec := floorDiv(local, secondsPerDay)
	switch part {
	case PartMonth:
		_, m, _ := civil(days)
		return int(m - 1)
	case PartWeekday:
		_, wd := floorDiv(days+4, 7) // 1970-01-01 was a Thursday
		return int(wd)
	default:
		return int(sec / 3600)
	}
}

// setCalendar returns local seconds with a calendar part set to v: the
// date moved to the nearest month v (at most six months back or five on,
// the day kept within the month; the other way where that leaves the
// table's years), the day moved by at most six days to the weekday (within
// the month where it can), or the hour of the day replaced. Moving to the
// nearest month keeps a leaf's winter in its own winter: keeping the year
// instead moved a February date drawn for December ten months on, which
// skewed the dates' distribution at the turns of the years.
func setCalendar(part string, local int64, v int) int64 {
	days, sec := floorDiv(local, secondsPerDay)
	days, sec = (*dayTable)(nil).set(partKind(part), days, sec, v)
	return days*secondsPerDay + sec
}

// Calendar parts as numbers, for the generation path.
const (
	kindMonth = iota
	kindWeekday
	kindHour
)

func partKind(part string) int {
	switch part {
	case PartMonth:
		return kindMonth
	case PartWeekday:
		return kindWeekday
	}
	return kindHour
}

// dayTable holds the civil date of every day of a window, so that setting
// calendar parts of generated datetimes reads a table instead of
// converting days to dates several times per value. A nil table, or a day
// outside its window, converts.
type dayTable struct {
	first int64
	days  []civilDay
	// months[12*(y-y0)+m-1] is the first day of month m of year y, for
	// the years of the window, and one more entry.
	y0     int64
	months []int64
	// lo and hi are the days of the window's own first and last
	// seconds.
	lo, hi int64
}

type civilDay struct {
	y    int32
	m, d uint8
}

// maxDayTable bounds a table's days (a little over 350 years).
const maxDayTable = 1 << 17

// newDayTable covers the years of local seconds lo to hi and a week each
// side, where setting the month and then the weekday can lead; nil where
// that is more than maxDayTable days.
func newDayTable(lo, hi float64) *dayTable {
	if !(lo <= hi) || lo < -1e15 || hi > 1e15 {
		return nil
	}
	dlo, _ := floorDiv(int64(lo)-1, secondsPerDay)
	dhi, _ := floorDiv(int64(hi)+1, secondsPerDay)
	ylo, _, _ := civil(dlo)
	yhi, _, _ := civil(dhi)
	first, last := daysFromCivil(ylo, 1, 1)-7, daysFromCivil(yhi, 12, 31)+7
	if last-first+1 > maxDayTable {
		return nil
	}
	t := &dayTable{first: first, days: make([]civilDay, last-first+1), y0: ylo}
	t.lo, _ = floorDiv(int64(math.Floor(lo)), secondsPerDay)
	t.hi, _ = floorDiv(int64(math.Floor(hi)), secondsPerDay)
	for y := ylo; y <= yhi; y++ {
		for m := int64(1); m <= 12; m++ {
			t.months = append(t.months, daysFromCivil(y, m, 1))
		}
	}
	t.months = append(t.months, daysFromCivil(yhi+1, 1, 1))
	for i := range t.days {
		y, m, d := civil(first + int64(i))
		t.days[i] = civilDay{y: int32(y), m: uint8(m), d: uint8(d)}
	}
	return t
}

// civil is civil(days), from the table where it holds the day.
func (t *dayTable) civil(days int64) (y, m, d int64) {
	if t != nil {
		if i := uint64(days - t.first); i < uint64(len(t.days)) {
			c := t.days[i]
			return int64(c.y), int64(c.m), int64(c.d)
		}
	}
	return civil(days)
}

// set is setCalendar on a day and the seconds into it, converting days
// to dates through the table.
func (t *dayTable) set(kind int, days, sec int64, v int) (int64, int64) {
	switch kind {
	case kindMonth:
		y, m0, d := t.civil(days)
		mi := t.nearestMonth((y-t.yFirst())*12+m0-1, v)
		if t != nil {
			if i := uint64(mi); i < uint64(len(t.months)-1) {
				start := t.months[i]
				return start + min(d, t.months[i+1]-start) - 1, sec
			}
		}
		y, m := t.yFirst()+floorOf(mi, 12), mi-12*floorOf(mi, 12)+1
		d = min(d, daysIn(y, m))
		return daysFromCivil(y, m, d), sec
	case kindWeekday:
		_, wd := floorDiv(days+4, 7)
		// The nearest day of that weekday, or the next nearest when only it
		// stays in the month.
		n, f := weekdayOffsets(int(wd), v)
		near, far := int64(n), int64(f)
		best := near
		if _, m, _ := t.civil(days); near != 0 {
			if _, m2, _ := t.civil(days + near); m2 != m {
				if _, m3, _ := t.civil(days + far); m3 == m {
					best = far
				}
			}
		}
		return days + best, sec
	default:
		return days, int64(v)*3600 + sec%3600
	}
}

// nearestMonth returns the index (months since January of the table's
// first year; of year 0 without a table) of the month v (0 for January)
// nearest month index mi: at most six months back or five on, or the
// other way where that month holds no day of the window and the other
// way's does.
func (t *dayTable) nearestMonth(mi int64, v int) int64 {
	delta := ((int64(v)-mi)%12+18)%12 - 6
	at := mi + delta
	other := at + 12
	if delta >= 0 {
		other = at - 12
	}
	if t != nil && !t.inWindow(at) && t.inWindow(other) {
		return other
	}
	return at
}

// inWindow reports whether month index i holds a day of the window.
func (t *dayTable) inWindow(i int64) bool {
	return i >= 0 && i < int64(len(t.months)-1) && t.months[i+1]-1 >= t.lo && t.months[i] <= t.hi
}

// yFirst is the table's first year, 0 without a table.
func (t *dayTable) yFirst() int64 {
	if t == nil {
		return 0
	}
	return t.y0
}

// floorOf is a divided by b, rounded down.
func floorOf(a, b int64) int64 {
	q, _ := floorDiv(a, b)
	return q
}

// weekdayOffsets returns the days from weekday wd to the nearest day of
// weekday v (in [-3, 3]) and to the next nearest (a week the other way).
func weekdayOffsets(wd, v int) (near, far int) {
	near = v - wd
	if near > 3 {
		near -= 7
	} else if near < -3 {
		near += 7
	}
	far = near - 7
	if near < 0 {
		far = near + 7
	}
	return near, far
}

// weekdayMoves[ln-28][d-1][wd][v] is how many days kindWeekday's set
// moves day d of a month of ln days, a weekday wd, to weekday v: the
// nearest day of v, or the next nearest when only it stays in the month.
// It lets a day whose month is known already skip set's date lookups.
var weekdayMoves = func() (t [4][31][7][7]int8) {
	for ln := 28; ln <= 31; ln++ {
		for d := 1; d <= ln; d++ {
			for wd := 0; wd < 7; wd++ {
				for v := 0; v < 7; v++ {
					near, far := weekdayOffsets(wd, v)
					in := func(x int) bool { return d+x >= 1 && d+x <= ln }
					best := near
					if near != 0 && !in(near) && in(far) {
						best = far
					}
					t[ln-28][d-1][wd][v] = int8(best)
				}
			}
		}
	}
	return t
}()

// setParts sets a day's parts in the order month, weekday, hour, each
// where its value is not negative, as set would one after the other; ok
// is false where the table does not hold the day or the month set.
func (t *dayTable) setParts(days, sec int64, month, weekday, hour int) (int64, int64, bool) {
	i := uint64(days - t.first)
	if i >= uint64(len(t.days)) {
		return days, sec, false
	}
	c := t.days[i]
	mi := uint64((int64(c.y)-t.y0)*12 + int64(c.m) - 1)
	if month >= 0 {
		mi = uint64(t.nearestMonth(int64(mi), month))
	}
	if mi >= uint64(len(t.months)-1) {
		return days, sec, false
	}
	d := int64(c.d)
	if month >= 0 {
		start := t.months[mi]
		d = min(d, t.months[mi+1]-start)
		days = start + d - 1
	}
	if weekday >= 0 {
		ln := t.months[mi+1] - t.months[mi]
		_, wd := floorDiv(days+4, 7)
		days += int64(weekdayMoves[ln-28][d-1][wd][weekday])
	}
	if hour >= 0 {
		sec = int64(hour)*3600 + sec%3600
	}
	return days, sec, true
}
