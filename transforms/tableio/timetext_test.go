package tableio

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// TestTimestampTextMatchesAppendFormat checks the civil-from-days
// formatter against time.Time.AppendFormat (appendIntSlow) for every
// timestamp unit and for dates: edge values (the epoch, negative epochs,
// the ends of years 0 and 9999 and just beyond, leap days, the int64 and
// int32 extremes, sub-second values with trailing zeros) and random values
// over the whole range and near the present.
func TestTimestampTextMatchesAppendFormat(t *testing.T) {
	day := int64(86400)
	edgeSeconds := []int64{
		0, -1, 1, day - 1, day, -day, -day - 1,
		951782400, 951868800, // 2000-02-29, 2000-03-01
		-2208988800,                // 1900-01-01
		-62135596800,               // 0001-01-01
		-62167219200,               // 0000-01-01
		-62167219201,               // -0001-12-31 23:59:59
		253402300799, 253402300800, // 9999-12-31 23:59:59, 10000-01-01
		-5000000000, 4102444800,
	}
	units := []struct {
		name string
		unit time.Duration
		per  int64 // units per second
	}{
		{"millis", time.Millisecond, 1e3}, {"micros", time.Microsecond, 1e6}, {"nanos", time.Nanosecond, 1e9},
	}
	rng := rand.New(rand.NewPCG(13, 1))
	for _, u := range units {
		tx := textOf{timestamp: true, unit: u.unit, days: newDayCache()}
		var values []int64
		for _, s := range edgeSeconds {
			if s > math.MaxInt64/u.per || s < math.MinInt64/u.per {
				continue
			}
			for _, frac := range []int64{0, 1, u.per / 2, u.per - 1, u.per / 10, u.per / 1000 * 7} {
				values = append(values, s*u.per+frac, s*u.per-frac)
			}
		}
		values = append(values, math.MaxInt64, math.MinInt64, math.MaxInt64-1, math.MinInt64+1)
		for range 200000 {
			values = append(values, int64(rng.Uint64()))
			s := rng.Int64N(253402300800+62167219200) - 62167219200 // years 0..9999
			values = append(values, s*u.per+rng.Int64N(u.per), s*u.per, s*u.per+rng.Int64N(1000)*u.per/1000)
		}
		for _, v := range values {
			if got, want := string(tx.appendInt(nil, v)), string(tx.appendIntSlow(nil, v)); got != want {
				t.Fatalf("%s %d: %q, AppendFormat writes %q", u.name, v, got, want)
			}
		}
	}
	tx := textOf{date: true, days: newDayCache()}
	dates := []int64{0, -1, 1, 11016, 11017, -719528, -719529, -719162, 2932896, 2932897, math.MaxInt32, math.MinInt32}
	for range 200000 {
		dates = append(dates, int64(int32(rng.Uint32())), rng.Int64N(2932897+719528)-719528)
	}
	for _, v := range dates {
		if got, want := string(tx.appendInt(nil, v)), string(tx.appendIntSlow(nil, v)); got != want {
			t.Fatalf("date %d: %q, AppendFormat writes %q", v, got, want)
		}
	}
}

// BenchmarkTimestampText times a timestamp's text by the civil-from-days
// formatter and, to compare, by time.Time.AppendFormat (appendIntSlow).
func BenchmarkTimestampText(b *testing.B) {
	tx := textOf{timestamp: true, unit: time.Microsecond, days: newDayCache()}
	b.Run("days", func(b *testing.B) {
		var buf []byte
		for v := int64(1e15); b.Loop(); v += 60e6 + 7 {
			buf = tx.appendInt(buf[:0], v)
		}
	})
	b.Run("AppendFormat", func(b *testing.B) {
		var buf []byte
		for v := int64(1e15); b.Loop(); v += 60e6 + 7 {
			buf = tx.appendIntSlow(buf[:0], v)
		}
	})
}
