package kit

import "reflect"

// Walk calls visit on v and, unless visit reports it handled it, on every
// exported field, pointee and element inside it.
func Walk(v reflect.Value, visit func(reflect.Value) bool) {
	if visit(v) {
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				Walk(v.Field(i), visit)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			Walk(v.Elem(), visit)
		}
	case reflect.Slice:
		for i := range v.Len() {
			Walk(v.Index(i), visit)
		}
	}
}

// DeepCopy returns a copy of v sharing no slice, map or pointer with it
// (decimals and instants, which are values, are copied as such).
func DeepCopy[T any](v T) T {
	out := reflect.New(reflect.TypeFor[T]()).Elem()
	deepCopy(out, reflect.ValueOf(&v).Elem())
	return out.Interface().(T)
}

func deepCopy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		deepCopy(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			deepCopy(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for it := src.MapRange(); it.Next(); {
			v := reflect.New(src.Type().Elem()).Elem()
			deepCopy(v, it.Value())
			m.SetMapIndex(it.Key(), v)
		}
		dst.Set(m)
	case reflect.Struct:
		dst.Set(src) // unexported fields (decimal's, time's) as values
		for i := range src.NumField() {
			if src.Type().Field(i).IsExported() {
				deepCopy(dst.Field(i), src.Field(i))
			}
		}
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		v := reflect.New(src.Elem().Type()).Elem()
		deepCopy(v, src.Elem())
		dst.Set(v)
	default:
		dst.Set(src)
	}
}

// ZeroPath zeroes the field at path in v, in every element of the slices
// and in the pointees on the way. v must be settable.
func ZeroPath(v reflect.Value, path []string) {
	switch {
	case len(path) == 0:
		v.Set(reflect.Zero(v.Type()))
	case v.Kind() == reflect.Pointer:
		if !v.IsNil() {
			ZeroPath(v.Elem(), path)
		}
	case v.Kind() == reflect.Slice:
		for i := range v.Len() {
			ZeroPath(v.Index(i), path)
		}
	default:
		ZeroPath(v.FieldByName(path[0]), path[1:])
	}
}
