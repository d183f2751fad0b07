package table

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
)

var pow10 = func() [19]float64 {
	var p [19]float64
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// appendFloat writes v with the column's decimals, without allocating. It
// uses integer arithmetic where v scaled by 10^decimals fits in 53 bits and
// strconv elsewhere.
func appendFloat(dst []byte, v float64, f Format) []byte {
	if f.Exponent {
		return strconv.AppendFloat(dst, v, 'e', f.Decimals, 64)
	}
	d := f.Decimals
	scaled := math.Abs(v) * pow10[d]
	if scaled >= 1<<53 {
		return strconv.AppendFloat(dst, v, 'f', d, 64)
	}
	u := uint64(math.Round(scaled))
	if u != 0 && v < 0 {
		dst = append(dst, '-')
	}
	if d == 0 {
		return strconv.AppendUint(dst, u, 10)
	}
	ip := u / uint64(pow10[d])
	fp := u - ip*uint64(pow10[d])
	dst = strconv.AppendUint(dst, ip, 10)
	dst = append(dst, '.')
	var buf [20]byte
	for i := d - 1; i >= 0; i-- {
		buf[i] = byte('0' + fp%10)
		fp /= 10
	}
	return append(dst, buf[:d]...)
}

func appendInt(dst []byte, v int64) []byte { return strconv.AppendInt(dst, v, 10) }

// appendTime writes seconds since the epoch in the column's layout and zone.
func appendTime(dst []byte, sec float64, f Format) []byte {
	if plan := fastLayout(f.Layout); plan != nil && f.Decimals == 0 {
		return plan.append(dst, int64(math.Floor(sec))+int64(f.ZoneOffset))
	}
	return appendTimeSlow(dst, sec, f)
}

// appendTimeSlow formats through the time package, for any layout.
func appendTimeSlow(dst []byte, sec float64, f Format) []byte {
	s := math.Floor(sec)
	ns := int64(math.Round((sec - s) * 1e9))
	t := time.Unix(int64(s), ns).In(zone(f.ZoneOffset, f.ZoneName))
	return t.AppendFormat(dst, f.Layout)
}

var zones sync.Map // zoneKey -> *time.Location

type zoneKey struct {
	offset int
	name   string
}

// zone returns the fixed zone of the offset, printed with the name where a
// layout prints one ("UTC" for offset 0 without a name).
func zone(offset int, name string) *time.Location {
	if offset == 0 && (name == "" || name == "UTC") {
		return time.UTC
	}
	k := zoneKey{offset, name}
	if z, ok := zones.Load(k); ok {
		return z.(*time.Location)
	}
	z := time.FixedZone(name, offset)
	zones.Store(k, z)
	return z
}

// timePlan is a datetime layout compiled to fixed-width numeric fields and
// literal separators, which formats several times faster than time.Format.
type timePlan []timePart

type timePart struct {
	field   byte // 'Y','M','D','h','m','s' or 0 for a literal
	literal string
}

var plans sync.Map // layout -> timePlan (nil when not fast)

// fastLayout compiles layouts made only of 2006, 01, 02, 15, 04, 05 and
// punctuation; it returns nil for anything else.
func fastLayout(layout string) timePlan {
	if p, ok := plans.Load(layout); ok {
		return p.(timePlan)
	}
	var plan timePlan
	tokens := []struct {
		tok   string
		field byte
	}{{"2006", 'Y'}, {"01", 'M'}, {"02", 'D'}, {"15", 'h'}, {"04", 'm'}, {"05", 's'}}
	rest := layout
outer:
	for rest != "" {
		for _, t := range tokens {
			if strings.HasPrefix(rest, t.tok) {
				plan = append(plan, timePart{field: t.field})
				rest = rest[len(t.tok):]
				continue outer
			}
		}
		c := rest[0]
		if (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z' && c != 'T') || (c >= 'a' && c <= 'z') || c == '.' || c == ',' || c == '_' {
			plan = nil
			break
		}
		plan = append(plan, timePart{literal: rest[:1]})
		rest = rest[1:]
	}
	plans.Store(layout, plan)
	return plan
}

// dayCache holds the rendered date part of a datetime layout for every day
// of a column's range, so that formatting a value costs a copy and the time
// of day.
type dayCache struct {
	first int64    // day number of texts[0]
	texts [][]byte // date part per day
	rest  timePlan // the time part
}

// maxCachedDays bounds a day cache (about 55 years).
const maxCachedDays = 20000

// newDayCache prepares a cache for seconds in [lo, hi] (already shifted to
// the column's zone), or returns nil where the layout does not put the whole
// date before the time of day.
func newDayCache(layout string, lo, hi float64) *dayCache {
	plan := fastLayout(layout)
	if plan == nil || hi < lo {
		return nil
	}
	split := len(plan)
	for i, part := range plan {
		if part.field == 'h' || part.field == 'm' || part.field == 's' {
			split = i
			break
		}
	}
	for _, part := range plan[split:] {
		if part.field == 'Y' || part.field == 'M' || part.field == 'D' {
			return nil
		}
	}
	first, last := int64(math.Floor(lo/86400)), int64(math.Floor(hi/86400))
	if last-first >= maxCachedDays {
		return nil
	}
	c := &dayCache{first: first, rest: plan[split:]}
	for d := first; d <= last; d++ {
		c.texts = append(c.texts, plan[:split].append(nil, d*86400))
	}
	return c
}

// append writes sec, which must lie in the cache's range.
func (c *dayCache) append(dst []byte, sec int64) []byte {
	days, rem := floorDiv(sec, secondsPerDay)
	i := days - c.first
	if i < 0 || i >= int64(len(c.texts)) {
		return nil
	}
	// The rest of the plan has no date parts.
	return c.rest.appendParts(append(dst, c.texts[i]...), 0, 0, 0, rem)
}

func (p timePlan) append(dst []byte, sec int64) []byte {
	days, rem := floorDiv(sec, secondsPerDay)
	y, mo, d := civil(days)
	return p.appendParts(dst, y, mo, d, rem)
}

// appendParts writes the plan for the date y-mo-d, rem seconds into the
// day.
func (p timePlan) appendParts(dst []byte, y, mo, d, rem int64) []byte {
	for _, part := range p {
		switch part.field {
		case 0:
			dst = append(dst, part.literal...)
		case 'Y':
			if y < 0 || y > 9999 {
				dst = strconv.AppendInt(dst, y, 10)
			} else {
				dst = append(dst, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
			}
		case 'M':
			dst = append2(dst, mo)
		case 'D':
			dst = append2(dst, d)
		case 'h':
			dst = append2(dst, rem/3600)
		case 'm':
			dst = append2(dst, rem/60%60)
		case 's':
			dst = append2(dst, rem%60)
		}
	}
	return dst
}

func append2(dst []byte, v int64) []byte { return append(dst, byte('0'+v/10), byte('0'+v%10)) }

// civil converts days since 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's days-to-civil algorithm).
func civil(z int64) (y, m, d int64) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}
