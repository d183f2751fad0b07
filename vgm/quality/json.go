package quality

import (
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"sync"
)

// The report types hold NaN where a figure is undefined, which
// encoding/json refuses to write. They encode through a mirror: a struct
// type made at run time with the same fields and tags, each float64 field
// a jsonFloat (null for NaN and ±Inf). A field added to a report type is
// thus in its JSON with no more code.

// jsonFloat is a float64 that is null in JSON when it is NaN or infinite.
type jsonFloat float64

// MarshalJSON encodes f as a JSON number, or null when it is not finite.
func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
}

// UnmarshalJSON decodes a JSON number, or null as NaN.
func (f *jsonFloat) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = jsonFloat(math.NaN())
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = jsonFloat(v)
	return nil
}

// mirrors maps a struct type to its mirror.
var mirrors sync.Map

// mirrorOf returns the mirror of struct type t: its fields and tags, in its
// order, with jsonFloat for float64.
func mirrorOf(t reflect.Type) reflect.Type {
	if m, ok := mirrors.Load(t); ok {
		return m.(reflect.Type)
	}
	fields := make([]reflect.StructField, t.NumField())
	for i := range fields {
		f := t.Field(i)
		if f.Type.Kind() == reflect.Float64 {
			f.Type = reflect.TypeFor[jsonFloat]()
		}
		fields[i] = reflect.StructField{Name: f.Name, Type: f.Type, Tag: f.Tag}
	}
	m, _ := mirrors.LoadOrStore(t, reflect.StructOf(fields))
	return m.(reflect.Type)
}

// marshalFinite encodes the struct v as encoding/json does, with its NaN
// and infinite float64 fields as null.
func marshalFinite(v any) ([]byte, error) {
	src := reflect.ValueOf(v)
	dst := reflect.New(mirrorOf(src.Type())).Elem()
	copyFields(dst, src)
	return json.Marshal(dst.Interface())
}

// unmarshalFinite decodes b into the struct v points to, as
// encoding/json does, with null float64 fields as NaN. Every field of *v
// is set: those b lacks to their zero value.
func unmarshalFinite(b []byte, v any) error {
	dst := reflect.ValueOf(v).Elem()
	src := reflect.New(mirrorOf(dst.Type()))
	if err := json.Unmarshal(b, src.Interface()); err != nil {
		return err
	}
	copyFields(dst, src.Elem())
	return nil
}

// copyFields sets each field of dst to the same field of src, converted.
func copyFields(dst, src reflect.Value) {
	for i := range dst.NumField() {
		dst.Field(i).Set(src.Field(i).Convert(dst.Field(i).Type()))
	}
}
