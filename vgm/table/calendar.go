package table

// Calendar parts of datetimes, in the column's zone, by integer civil-date
// arithmetic (civil, in text.go, and its inverse daysFromCivil): the
// generation path needs no time.Time.

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
// month replaced (the day kept within the month), the day moved by at most
// six days to the weekday (within the month where it can), or the hour of
// the day replaced.
func setCalendar(part string, local int64, v int) int64 {
	days, sec := floorDiv(local, secondsPerDay)
	switch part {
	case PartMonth:
		y, _, d := civil(days)
		m := int64(v + 1)
		d = min(d, daysIn(y, m))
		return daysFromCivil(y, m, d)*secondsPerDay + sec
	case PartWeekday:
		_, wd := floorDiv(days+4, 7)
		// The nearest day of that weekday, or the next nearest when only it
		// stays in the month.
		near := int64(v) - wd // in [-6, 6]
		if near > 3 {
			near -= 7
		} else if near < -3 {
			near += 7
		}
		far := near - 7
		if near < 0 {
			far = near + 7
		}
		best := near
		if _, m, _ := civil(days); near != 0 {
			if _, m2, _ := civil(days + near); m2 != m {
				if _, m3, _ := civil(days + far); m3 == m {
					best = far
				}
			}
		}
		return (days+best)*secondsPerDay + sec
	default:
		return days*secondsPerDay + int64(v)*3600 + sec%3600
	}
}
