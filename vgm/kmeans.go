package vgm

import (
	"math"
	"slices"
	"sort"

	"github.com/vgmsynth/vgmsynth/vgm/rng"
)

// kmeansStream is the rng stream used by the k-means++ seeding.
const kmeansStream = 0x6b6d65616e73 // "kmeans"

// kmeansMaxIter matches scikit-learn's KMeans default max_iter.
const kmeansMaxIter = 300

// kmeans1D clusters sorted, weighted, one-dimensional data. In one
// dimension every k-means cell is a contiguous run of the sorted values,
// so with prefix sums of the weights, weighted values and weighted squares
// each Lloyd iteration costs O(k log n) and k-means++ candidates are
// scored without touching the data.
type kmeans1D struct {
	z          []float64
	p0, p1, p2 []float64 // prefix sums of w, w z and w z², length n+1
}

// newKMeans1D prepares the prefix sums of sorted values z with weights w.
func newKMeans1D(z, w []float64) *kmeans1D {
	n := len(z)
	km := &kmeans1D{z: z, p0: make([]float64, n+1), p1: make([]float64, n+1), p2: make([]float64, n+1)}
	var s0, s1, s2 float64
	for i, v := range z {
		s0 += w[i]
		s1 += w[i] * v
		s2 += w[i] * v * v
		km.p0[i+1], km.p1[i+1], km.p2[i+1] = s0, s1, s2
	}
	return km
}

// cellCost returns the weighted squared distance of z[a:b] to c.
func (km *kmeans1D) cellCost(a, b int, c float64) float64 {
	s0 := km.p0[b] - km.p0[a]
	s1 := km.p1[b] - km.p1[a]
	s2 := km.p2[b] - km.p2[a]
	return math.Max(0, s2-2*c*s1+c*c*s0)
}

// upper returns the number of values <= v.
func (km *kmeans1D) upper(v float64) int {
	return sort.Search(len(km.z), func(i int) bool { return km.z[i] > v })
}

// bounds fills b (length len(centers)+1) with the cell boundaries of the
// ascending centers: cell j is z[b[j]:b[j+1]]. Ties go to the left cell.
func (km *kmeans1D) bounds(centers []float64, b []int) {
	b[0] = 0
	for j := 1; j < len(centers); j++ {
		b[j] = km.upper(centers[j-1] + (centers[j]-centers[j-1])/2)
	}
	b[len(centers)] = len(km.z)
}

// potential returns the k-means cost of the ascending centers.
func (km *kmeans1D) potential(centers []float64, b []int) float64 {
	km.bounds(centers, b)
	pot := 0.0
	for j, c := range centers {
		pot += km.cellCost(b[j], b[j+1], c)
	}
	return pot
}

// sampleD2 returns the index of a value drawn with probability
// proportional to weight times squared distance to the nearest of the
// ascending centers, given u uniform on [0, potential).
func (km *kmeans1D) sampleD2(centers []float64, b []int, u float64) int {
	km.bounds(centers, b)
	for j, c := range centers {
		lo, hi := b[j], b[j+1]
		cost := km.cellCost(lo, hi, c)
		if u >= cost && j < len(centers)-1 {
			u -= cost
			continue
		}
		// Smallest i in [lo, hi) with cost(lo, i+1) > u.
		i := lo + sort.Search(hi-lo, func(i int) bool { return km.cellCost(lo, lo+i+1, c) > u })
		return min(i, hi-1, len(km.z)-1)
	}
	return len(km.z) - 1
}

// seed picks k centers with scikit-learn's greedy k-means++: the first
// uniformly (by weight), each next one as the best of 2+floor(ln k)
// candidates drawn proportionally to the squared distance. It returns the
// centers in the order they were chosen; fewer than k when the data have
// fewer distinct values.
func (km *kmeans1D) seed(k int, r *rng.Rand) []float64 {
	n := len(km.z)
	if n <= k {
		return slices.Clone(km.z)
	}
	total := km.p0[n]
	u := r.Float64() * total
	first := sort.Search(n, func(i int) bool { return km.p0[i+1] > u })
	chosen := []float64{km.z[min(first, n-1)]}
	sorted := slices.Clone(chosen)
	b := make([]int, k+1)
	trials := 2 + int(math.Log(float64(k)))
	for len(chosen) < k {
		pot := km.potential(sorted, b)
		if !(pot > 0) {
			break
		}
		best, bestPot := math.NaN(), math.Inf(1)
		for t := 0; t < trials; t++ {
			cand := km.z[km.sampleD2(sorted, b, r.Float64()*pot)]
			trial := insertSorted(sorted, cand)
			if p := km.potential(trial, b); p < bestPot {
				best, bestPot = cand, p
			}
		}
		if math.IsNaN(best) {
			break
		}
		chosen = append(chosen, best)
		sorted = insertSorted(sorted, best)
	}
	return chosen
}

// insertSorted returns a new ascending slice with v added to s.
func insertSorted(s []float64, v float64) []float64 {
	i, _ := slices.BinarySearch(s, v)
	out := make([]float64, 0, len(s)+1)
	out = append(out, s[:i]...)
	out = append(out, v)
	return append(out, s[i:]...)
}

// lloyd refines the centers (in chosen order) with Lloyd iterations until
// the assignment no longer changes, and returns each center's cell as a
// half-open index range [lo[j], hi[j]) of the sorted data.
func (km *kmeans1D) lloyd(chosen []float64) (lo, hi []int) {
	k := len(chosen)
	order := make([]int, k) // order[j] = chosen index of the j-th smallest center
	for j := range order {
		order[j] = j
	}
	centers := slices.Clone(chosen)
	sortByCenter := func() {
		sort.SliceStable(order, func(a, b int) bool { return centers[order[a]] < centers[order[b]] })
	}
	sortByCenter()
	sorted := make([]float64, k)
	b := make([]int, k+1)
	prev := make([]int, k+1)
	for it := 0; it < kmeansMaxIter; it++ {
		for j, o := range order {
			sorted[j] = centers[o]
		}
		km.bounds(sorted, b)
		if it > 0 && slices.Equal(b, prev) {
			break
		}
		copy(prev, b)
		for j, o := range order {
			if s0 := km.p0[b[j+1]] - km.p0[b[j]]; s0 > 0 {
				centers[o] = (km.p1[b[j+1]] - km.p1[b[j]]) / s0
			}
		}
		sortByCenter()
	}
	for j, o := range order {
		sorted[j] = centers[o]
	}
	km.bounds(sorted, b)
	lo, hi = make([]int, k), make([]int, k)
	for j, o := range order {
		lo[o], hi[o] = b[j], b[j+1]
	}
	return lo, hi
}
