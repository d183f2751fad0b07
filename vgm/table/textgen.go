package table

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// NovelCategory is the category that stands for the rare values of a text
// column (see FitOptions.MinCategoryCount): where it is drawn, the column's
// TextModel writes a new value in the shape of the rare ones. It is no value
// any CSV or Parquet file holds in practice.
const NovelCategory = "\x00new"

// TextModel writes new values in the shape of a text column's rare values
// (names, addresses, emails, free text), learned from the sample:
//
//   - a value's shape is its sequence of words (runs of letters), digits
//     and other characters: "12 Main St." is "## W W.";
//   - a word is drawn at its place (the characters before and after it:
//     after "@" and before "." in an email) among the words seen there at
//     least MinCategoryCount times, or, with the rest of the place's mass,
//     made up by a Markov chain over characters learned from every word;
//   - a digit is uniform.
//
// A new value that equals a rare real value (by a 32-bit hash, Avoid) or a
// kept category is drawn again, so that rare values are never reproduced.
type TextModel struct {
	// Patterns are the shapes with their frequencies: 'W' a word, '#' a
	// digit, '\' makes the next character literal, any other is literal.
	Patterns []Category `json:"patterns"`
	// Words are the frequent words per place ("^|@": from the start to an
	// "@"), with their frequencies among all words there; the rest of the
	// mass is new words.
	Words map[string][]Category `json:"words,omitempty"`
	// Chain is the next character of a word after two, per place
	// ("place\x1fab", "\x02" padding the start), by frequency; "" ends
	// the word.
	Chain map[string][]Category `json:"chain"`
	// LeadingZeros means runs of digits may start with 0 ("007"); else a
	// run of two or more starts with 1 to 9.
	LeadingZeros bool `json:"leading_zeros,omitempty"`
	// Avoid are the sorted 32-bit FNV-1a hashes of the rare values.
	Avoid []uint32 `json:"avoid,omitempty"`
}

// Limits of a text model.
const (
	maxTextPatterns = 1000
	maxWordRunes    = 40
	maxTextTries    = 16
)

// textToken is one element of a value's shape.
type textToken struct {
	kind byte   // 'W' a word, '#' a digit, 0 a literal
	text string // the word or literal
}

// tokenize cuts v into words, digits and single other characters.
func tokenize(v string) []textToken {
	var out []textToken
	for i := 0; i < len(v); {
		r, n := utf8.DecodeRuneInString(v[i:])
		switch {
		case r >= '0' && r <= '9':
			out = append(out, textToken{kind: '#', text: v[i : i+1]})
		case unicode.IsLetter(r):
			j := i + n
			for j < len(v) {
				r2, n2 := utf8.DecodeRuneInString(v[j:])
				if !unicode.IsLetter(r2) {
					break
				}
				j += n2
			}
			out = append(out, textToken{kind: 'W', text: v[i:j]})
			n = j - i
		default:
			out = append(out, textToken{text: v[i : i+n]})
		}
		i += n
	}
	return out
}

// chainKey names a context of the character chain.
func chainKey(place, a, b string) string { return place + "\x1f" + a + b }

// placeKey names a word's place by the literals around it.
func placeKey(before, after string) string { return before + "|" + after }

// wordPlaces returns the place of each word token of toks (by index).
func wordPlaces(toks []textToken) map[int]string {
	places := map[int]string{}
	for i, t := range toks {
		if t.kind != 'W' {
			continue
		}
		before, after := "^", "$"
		if i > 0 {
			before = neighbour(toks[i-1])
		}
		if i+1 < len(toks) {
			after = neighbour(toks[i+1])
		}
		places[i] = placeKey(before, after)
	}
	return places
}

func neighbour(t textToken) string {
	if t.kind == '#' {
		return "#"
	}
	return t.text
}

// textHash is the 32-bit FNV-1a hash of a value.
func textHash(v []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range v {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

// fitText learns a text model from the rare values (with repetition) of a
// column. Words seen fewer than minCount times are not stored by name.
func fitText(rare []string, minCount int) *TextModel {
	if len(rare) == 0 {
		return nil
	}
	m := &TextModel{Words: map[string][]Category{}, Chain: map[string][]Category{}}
	patterns := map[string]float64{}
	words := map[string]map[string]float64{}
	chain := map[string]map[string]float64{}
	var avoid []uint32
	for _, v := range rare {
		avoid = append(avoid, textHash([]byte(v)))
		toks := tokenize(v)
		places := wordPlaces(toks)
		var p strings.Builder
		for i, t := range toks {
			if t.kind == '#' && t.text == "0" && (i == 0 || toks[i-1].kind != '#') && i+1 < len(toks) && toks[i+1].kind == '#' {
				m.LeadingZeros = true
			}
			switch t.kind {
			case 'W', '#':
				p.WriteByte(t.kind)
			default:
				if t.text == "W" || t.text == "#" || t.text == `\` {
					p.WriteByte('\\')
				}
				p.WriteString(t.text)
			}
			if t.kind != 'W' {
				continue
			}
			if words[places[i]] == nil {
				words[places[i]] = map[string]float64{}
			}
			words[places[i]][t.text]++
			ctx := [2]string{"\x02", "\x02"}
			for _, r := range t.text {
				addCount(chain, chainKey(places[i], ctx[0], ctx[1]), string(r))
				ctx = [2]string{ctx[1], string(r)}
			}
			addCount(chain, chainKey(places[i], ctx[0], ctx[1]), "")
		}
		patterns[p.String()]++
	}
	m.Patterns = topCategories(patterns, maxTextPatterns, 0)
	for place, counts := range words {
		total := 0.0
		for _, n := range counts {
			total += n
		}
		kept := topCategories(counts, CategoryCap, float64(max(minCount, 1)))
		for i := range kept {
			kept[i].Frequency = counts[kept[i].Value] / total
		}
		if len(kept) > 0 {
			m.Words[place] = kept
		}
	}
	for ctx, counts := range chain {
		m.Chain[ctx] = topCategories(counts, 0, 0)
	}
	slices.Sort(avoid)
	m.Avoid = slices.Compact(avoid)
	if len(m.Avoid) > MaxListLength {
		m.Avoid = m.Avoid[:MaxListLength]
	}
	return m
}

func addCount(m map[string]map[string]float64, k, v string) {
	if m[k] == nil {
		m[k] = map[string]float64{}
	}
	m[k][v]++
}

func sum(cats []Category) float64 {
	s := 0.0
	for _, c := range cats {
		s += c.Frequency
	}
	return s
}

// topCategories returns the values counted at least minCount times, most
// frequent first, at most limit of them (0: all), with frequencies summing
// to 1.
func topCategories(counts map[string]float64, limit int, minCount float64) []Category {
	var out []Category
	for v, n := range counts {
		if n >= minCount {
			out = append(out, Category{Value: v, Frequency: n})
		}
	}
	slices.SortFunc(out, func(a, b Category) int {
		if c := cmp.Compare(b.Frequency, a.Frequency); c != 0 {
			return c
		}
		return cmp.Compare(a.Value, b.Value)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	s := sum(out)
	for i := range out {
		out[i].Frequency /= s
	}
	return out
}

// validate checks a text model read from a file.
func (m *TextModel) validate() error {
	if len(m.Patterns) == 0 {
		return errors.New("text model has no patterns")
	}
	check := func(what string, cats []Category, total bool) error {
		s := 0.0
		for _, c := range cats {
			if !(c.Frequency >= 0) || !finite(c.Frequency) {
				return fmt.Errorf("text model: %s %q has frequency %v", what, c.Value, c.Frequency)
			}
			s += c.Frequency
		}
		if s > 1+1e-6 || total && len(cats) > 0 && s < 1-1e-6 {
			return fmt.Errorf("text model: %s frequencies sum to %v", what, s)
		}
		return nil
	}
	if err := check("pattern", m.Patterns, true); err != nil {
		return err
	}
	for _, p := range m.Patterns {
		if strings.HasSuffix(strings.ReplaceAll(p.Value, `\\`, ""), `\`) {
			return fmt.Errorf("text model: pattern %q ends in an escape", p.Value)
		}
	}
	for place, cats := range m.Words {
		if err := check("word at "+place, cats, false); err != nil {
			return err
		}
	}
	for ctx, cats := range m.Chain {
		if err := check("character after "+ctx, cats, true); err != nil {
			return err
		}
	}
	return nil
}

// textGen generates from a TextModel.
type textGen struct {
	patterns []string
	zeros    bool // TextModel.LeadingZeros
	pick     *rng.Alias
	words    map[string]pick // per place; the last index is a new word
	chain    map[string]pick
	avoid    []uint32
	kept     map[string]bool // the column's kept categories
	fallback pick            // the kept categories by frequency; no values if none
}

type pick struct {
	values []string
	alias  *rng.Alias
}

func newPick(cats []Category, rest bool) (pick, error) {
	p := pick{}
	var w []float64
	for _, c := range cats {
		p.values = append(p.values, c.Value)
		w = append(w, c.Frequency)
	}
	if rest {
		w = append(w, max(1-sum(cats), 0))
	}
	a, err := rng.NewAlias(w)
	p.alias = a
	return p, err
}

func newTextGen(m *TextModel, cats []Category) (*textGen, error) {
	g := &textGen{words: map[string]pick{}, chain: map[string]pick{}, avoid: m.Avoid, kept: map[string]bool{}, zeros: m.LeadingZeros}
	pp, err := newPick(m.Patterns, false)
	if err != nil {
		return nil, fmt.Errorf("text model: %w", err)
	}
	g.patterns, g.pick = pp.values, pp.alias
	for place, cats := range m.Words {
		if g.words[place], err = newPick(cats, true); err != nil {
			return nil, fmt.Errorf("text model: %w", err)
		}
	}
	for ctx, cats := range m.Chain {
		if g.chain[ctx], err = newPick(cats, false); err != nil {
			return nil, fmt.Errorf("text model: %w", err)
		}
	}
	var keep []Category
	for _, c := range cats {
		if c.Value != NovelCategory {
			g.kept[c.Value] = true
			keep = append(keep, c)
		}
	}
	if len(keep) > 0 {
		if g.fallback, err = newPick(keep, false); err != nil {
			return nil, fmt.Errorf("text model: %w", err)
		}
	}
	return g, nil
}

// append writes one new value drawn with r.
func (g *textGen) append(dst []byte, r *rng.Rand) []byte {
	start := len(dst)
	for try := 0; try < maxTextTries; try++ {
		// Frequent words may only recombine into real values: past half
		// the tries, every word is made up.
		dst = g.appendOnce(dst[:start], r, try >= maxTextTries/2)
		v := dst[start:]
		if _, found := slices.BinarySearch(g.avoid, textHash(v)); !found && !g.kept[string(v)] {
			return dst
		}
	}
	// Every draw copied a real value (a column whose new values can only
	// recombine into real ones): write a kept category, which many rows
	// share, or a null where the column keeps none.
	if len(g.fallback.values) > 0 {
		return append(dst[:start], g.fallback.values[g.fallback.alias.Sample(r)]...)
	}
	return dst[:start]
}

func (g *textGen) appendOnce(dst []byte, r *rng.Rand, newWords bool) []byte {
	p := g.patterns[g.pick.Sample(r)]
	before := "^"
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '#':
			if before != "#" && !g.zeros && i+1 < len(p) && p[i+1] == '#' {
				dst = append(dst, byte('1'+r.Intn(9)))
			} else {
				dst = append(dst, byte('0'+r.Intn(10)))
			}
			before = "#"
		case 'W':
			place := placeKey(before, nextLiteral(p[i+1:]))
			if w, ok := g.words[place]; ok && !newWords {
				if k := w.alias.Sample(r); k < len(w.values) {
					dst = append(dst, w.values[k]...)
					before = ""
					continue
				}
			}
			dst = g.appendWord(dst, r, place)
			before = ""
		default:
			if c == '\\' && i+1 < len(p) {
				i++
			}
			_, n := utf8.DecodeRuneInString(p[i:])
			before = p[i : i+n]
			dst = append(dst, before...)
			i += n - 1
		}
	}
	return dst
}

// nextLiteral is what follows a word in a pattern: "#", a literal
// character, or "$" at the end.
func nextLiteral(rest string) string {
	if rest == "" {
		return "$"
	}
	if rest[0] == '#' {
		return "#"
	}
	if rest[0] == '\\' && len(rest) > 1 {
		rest = rest[1:]
	}
	_, n := utf8.DecodeRuneInString(rest)
	return rest[:n]
}

// appendWord makes up a word for a place with the character chain.
func (g *textGen) appendWord(dst []byte, r *rng.Rand, place string) []byte {
	var ctx [2]string
	ctx[0], ctx[1] = "\x02", "\x02"
	var key [64]byte
	for n := 0; n < maxWordRunes; n++ {
		k := append(append(append(append(key[:0], place...), 0x1f), ctx[0]...), ctx[1]...)
		c, ok := g.chain[string(k)]
		if !ok {
			break
		}
		next := c.values[c.alias.Sample(r)]
		if next == "" {
			break
		}
		dst = append(dst, next...)
		ctx[0], ctx[1] = ctx[1], next
	}
	return dst
}
