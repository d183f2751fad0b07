package report

import (
	"strings"
	"testing"

	"github.com/vgmsynth/vgmsynth/vgm/table"
)

// TestInspectFormat checks that the model printer names every part of a
// column's spelling.
func TestInspectFormat(t *testing.T) {
	tests := []struct {
		kind table.Kind
		f    table.Format
		want string
	}{
		{table.Float, table.Format{Decimals: 2, Prefix: "$", Thousands: ","}, `2 decimals, prefix "$", thousands ","`},
		{table.Float, table.Format{Decimals: 1, Suffix: "%"}, `1 decimal, suffix "%"`},
		{table.Float, table.Format{Decimals: 2, Thousands: ".", DecimalMark: ","}, `2 decimals, thousands ".", decimal mark ","`},
		{table.Float, table.Format{Decimals: 3, Exponent: true}, "e-notation, 3 decimals"},
		{table.Integer, table.Format{Width: 5}, "whole numbers, 5 digits with leading zeros"},
		{table.Datetime, table.Format{Layout: "2006/01/02 15:04:05", Step: 3600}, `layout "2006/01/02 15:04:05", on whole hours`},
		{table.Datetime, table.Format{Layout: "15:04:05", Step: 900}, `layout "15:04:05", on multiples of 15 minutes`},
		{table.Datetime, table.Format{Layout: "2006-01-02T15:04:05Z07:00", ZoneOffset: 7200}, `layout "2006-01-02T15:04:05Z07:00", zone +02:00`},
		{table.Boolean, table.Format{True: "Y", False: "N"}, `true "Y", false "N"`},
	}
	for _, tc := range tests {
		if got := inspectFormat(&table.Column{Kind: tc.kind, Format: tc.f}); got != tc.want {
			t.Errorf("inspectFormat(%v %+v) = %q, want %q", tc.kind, tc.f, got, tc.want)
		}
	}
}

// TestInspectLattice checks that inspect says a column is on a lattice.
func TestInspectLattice(t *testing.T) {
	lo, hi := 12.2, 13.3
	c := &table.Column{Name: "temp_max", Kind: table.Float, Format: table.Format{Decimals: 1}, Min: &lo, Max: &hi,
		Lattice: &table.Lattice{Values: []float64{12.2, 12.8, 13.3}}}
	var b strings.Builder
	inspectColumn(&b, c)
	if want := "lattice     3 values, 12.2 .. 13.3"; !strings.Contains(b.String(), want) {
		t.Errorf("inspect:\n%s\nwant a line with %q", b.String(), want)
	}
}
