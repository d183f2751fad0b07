package table

// Generated IDs are a function of the row's global index i alone, so any
// block of rows, generated anywhere, gets the same IDs, and no two rows get
// the same one:
//
//  1. The template's own space first, skipping the range [lo, hi] that the
//     real IDs span (Format.ExcludeLow and ExcludeHigh): row 0 gets the
//     position after the last real ID (ORD-99999 after ORD-99998), later rows
//     count on to the end of the space, then from the start up to the first
//     real ID.
//  2. Once those are used up, the template is widened by one more character
//     of the class of its last run of digits (or its first variable
//     position), and counting goes on among the IDs whose extra character
//     is not the class's first one (ORD-100000, ORD-100001, ...); then by
//     two characters, and so on. Wider IDs are longer than every real ID,
//     which all fit the template, so they copy none of them.
//
// The levels together hold more than 2^62 IDs, so the mapping is one-to-one
// for any row count vgmsynth generates.

// idGen maps row indices to IDs.
type idGen struct {
	slots  []idSlot
	space  uint64 // IDs the template spells, saturating at idLimit
	lo, hi uint64 // the real IDs' range, or lo > hi for none
	free   uint64 // template positions outside [lo, hi]
	at     int    // where the template widens (widenAt)
	radix  uint64 // the widening class's size
	levels []uint64
}

// idLimit bounds the IDs counted: more than any row count.
const idLimit = 1 << 62

func newIDGen(f Format) idGen {
	slots, _ := parseTemplate(f.Template)
	g := idGen{slots: slots, space: idSpace(slots), lo: 1, hi: 0, at: widenAt(slots)}
	if f.ExcludeHigh > f.ExcludeLow || f.ExcludeHigh > 0 {
		g.lo, g.hi = f.ExcludeLow, min(f.ExcludeHigh, g.space-1)
	}
	g.free = g.space
	if g.lo <= g.hi {
		g.free -= g.hi - g.lo + 1
	}
	if g.at < 0 {
		return g
	}
	g.radix = uint64(len(slots[g.at].chars))
	// Level e holds the (radix-1)·radix^(e-1) extra prefixes without a
	// leading zero, times the template's space.
	total, prefixes := g.free, g.radix-1
	for total < idLimit {
		n := uint64(idLimit)
		if prefixes < idLimit/g.space {
			n = prefixes * g.space
		}
		g.levels = append(g.levels, n)
		total += min(n, idLimit)
		if prefixes > idLimit/g.radix {
			prefixes = idLimit
		} else {
			prefixes *= g.radix
		}
	}
	return g
}

// widenAt is the slot before which a template grows: the first slot of its
// last run of digits, or its first variable slot; -1 for none.
func widenAt(slots []idSlot) int {
	digits := classChars('#')
	for i := len(slots) - 1; i >= 0; i-- {
		if slots[i].chars == digits {
			for i > 0 && slots[i-1].chars == digits {
				i--
			}
			return i
		}
	}
	for i, s := range slots {
		if s.chars != "" {
			return i
		}
	}
	return -1
}

// append writes the ID of global row i.
func (g *idGen) append(dst []byte, i uint64) []byte {
	if i < g.free {
		x := i
		if g.lo <= g.hi {
			if after := g.space - 1 - g.hi; x < after {
				x += g.hi + 1
			} else {
				x -= after
			}
		}
		return appendID(dst, g.slots, x)
	}
	k := i - g.free
	first := uint64(1) // the smallest extra prefix of the level: 1, radix, radix², ...
	for e, n := range g.levels {
		if k < n {
			return g.appendWide(dst, e+1, first+k/g.space, k%g.space)
		}
		k -= n
		first *= g.radix
	}
	return appendID(dst, g.slots, i%g.space) // unreachable below idLimit
}

// appendWide writes the template's ID x with the extra characters that
// spell prefix inserted at the widening slot.
func (g *idGen) appendWide(dst []byte, extra int, prefix, x uint64) []byte {
	start := len(dst)
	dst = appendID(dst, g.slots, x)
	for range extra {
		dst = append(dst, 0)
	}
	at := start + g.at
	copy(dst[at+extra:], dst[at:len(dst)-extra])
	chars := g.slots[g.at].chars
	for j := extra - 1; j >= 0; j-- {
		dst[at+j] = chars[prefix%g.radix]
		prefix /= g.radix
	}
	return dst
}
