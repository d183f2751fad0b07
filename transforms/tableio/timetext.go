package tableio

import "math"

// Parquet TIMESTAMP and DATE values are written as text the way
// time.Time.AppendFormat writes them in UTC with the layouts
// "2006-01-02 15:04:05[.999999999]" and "2006-01-02", but by plain
// arithmetic on the day number (civil-from-days) and fixed-width digits:
// AppendFormat parses its layout and builds a time.Time for every value,
// which was a third of a Parquet fit's CPU time. Years outside 0..9999
// (whose text has another width) go through AppendFormat itself.

// floorDiv returns the quotient and the non-negative remainder of a / b
// (b > 0).
func floorDiv(a, b int64) (q, r int64) {
	q, r = a/b, a%b
	if r < 0 {
		q, r = q-1, r+b
	}
	return q, r
}

// civil returns the proleptic Gregorian date of a day number (days since
// 1970-01-01).
func civil(days int64) (year, month, day int64) {
	era, doe := floorDiv(days+719468, 146097)              // 400-year eras from 0000-03-01
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365 // [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)               // [0, 365], from March 1st
	mp := (5*doy + 2) / 153                                // [0, 11], March = 0
	day = doy - (153*mp+2)/5 + 1
	month = mp + 3
	if mp >= 10 {
		month = mp - 9
	}
	year = yoe + era*400
	if month <= 2 {
		year++
	}
	return year, month, day
}

// appendDigits appends x (< 10^width) as width decimal digits.
func appendDigits(dst []byte, x int64, width int) []byte {
	var buf [9]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + x%10)
		x /= 10
	}
	return append(dst, buf[:width]...)
}

// appendCivilDate appends "YYYY-MM-DD" for a day number and reports
// whether the year was in 0..9999 (else it appends nothing).
func appendCivilDate(dst []byte, days int64) ([]byte, bool) {
	y, m, d := civil(days)
	if y < 0 || y > 9999 {
		return dst, false
	}
	var buf [10]byte
	buf[0] = byte('0' + y/1000)
	buf[1] = byte('0' + y/100%10)
	buf[2] = byte('0' + y/10%10)
	buf[3] = byte('0' + y%10)
	buf[4] = '-'
	buf[5] = byte('0' + m/10)
	buf[6] = byte('0' + m%10)
	buf[7] = '-'
	buf[8] = byte('0' + d/10)
	buf[9] = byte('0' + d%10)
	return append(dst, buf[:]...), true
}

// dayCache remembers the text of recently written days (a direct-mapped
// cache on the day number): a timestamp column's values mostly share
// their days with earlier ones.
type dayCache struct {
	days [1024]int64
	text [1024][10]byte
}

func newDayCache() *dayCache {
	dc := &dayCache{}
	for i := range dc.days {
		dc.days[i] = math.MinInt64 // no day: civil() of it is out of range
	}
	return dc
}

// appendDate is appendCivilDate through the cache.
func (dc *dayCache) appendDate(dst []byte, days int64) ([]byte, bool) {
	i := uint64(days) % uint64(len(dc.days))
	if dc.days[i] == days {
		return append(dst, dc.text[i][:]...), true
	}
	out, ok := appendCivilDate(dst, days)
	if ok {
		dc.days[i] = days
		copy(dc.text[i][:], out[len(dst):])
	}
	return out, ok
}

// appendTimestampText appends the UTC text of sec seconds and nsec
// nanoseconds (0 <= nsec < 1e9) since the Unix epoch: "YYYY-MM-DD
// hh:mm:ss", then a dot and the nanoseconds without trailing zeros when
// they are not 0. It reports false (appending nothing) when the year is
// outside 0..9999.
func (dc *dayCache) appendTimestampText(dst []byte, sec, nsec int64) ([]byte, bool) {
	days, sod := floorDiv(sec, 86400)
	i := uint64(days) % uint64(len(dc.days))
	var buf [19]byte
	if dc.days[i] == days {
		*(*[10]byte)(buf[:10]) = dc.text[i]
	} else {
		d, ok := appendCivilDate(buf[:0], days)
		if !ok {
			return dst, false
		}
		dc.days[i] = days
		copy(dc.text[i][:], d)
	}
	t := uint32(sod)
	h, ms := t/3600, t%3600
	mi, s := ms/60, ms%60
	buf[10] = ' '
	buf[11], buf[12] = twoDigits[2*h], twoDigits[2*h+1]
	buf[13] = ':'
	buf[14], buf[15] = twoDigits[2*mi], twoDigits[2*mi+1]
	buf[16] = ':'
	buf[17], buf[18] = twoDigits[2*s], twoDigits[2*s+1]
	dst = append(dst, buf[:]...)
	if nsec != 0 {
		width := 9
		for nsec%10 == 0 {
			nsec /= 10
			width--
		}
		dst = append(dst, '.')
		dst = appendDigits(dst, nsec, width)
	}
	return dst, true
}

const twoDigits = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"
