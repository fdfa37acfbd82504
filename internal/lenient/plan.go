package lenient

import (
	"reflect"
	"strings"
	"sync"
)

// plan is how Decode fills one struct type: its fields by JSON name.
type plan struct {
	t       reflect.Type
	exact   map[string]*field // by the json tag's name
	loose   map[string]*field // by looseName; nil for a name two fields share
	unknown []int             // the ",unknown" map's index, if any
	keep    sync.Map          // reflect.Type (a KeepType) -> bool
}

type field struct {
	name  string
	index []int // len(index)-1 is its depth of embedding
}

var plans sync.Map // reflect.Type -> *plan

// planOf returns t's plan, made once per type.
func planOf(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	p := &plan{t: t, exact: map[string]*field{}, loose: map[string]*field{}}
	p.add(t, nil, 0)
	for _, f := range p.exact {
		k := looseName(f.name)
		if g, dup := p.loose[k]; dup && g != f {
			p.loose[k] = nil // ambiguous: exact names only
			continue
		}
		p.loose[k] = f
	}
	actual, _ := plans.LoadOrStore(t, p)
	return actual.(*plan)
}

// add records t's fields, and those of the structs it embeds without a
// name, as encoding/json sees them, except that of two fields with one
// name at one depth the first wins (encoding/json drops both; no result
// type has such a pair).
func (p *plan) add(t reflect.Type, index []int, depth int) {
	if depth > 8 {
		return
	}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		idx := append(append([]int(nil), index...), i)
		switch {
		case tag == "-":
		case sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct:
			p.add(sf.Type, idx, depth+1)
		case !sf.IsExported():
		case opts == "unknown" && sf.Type.Kind() == reflect.Map && sf.Type.Key().Kind() == reflect.String:
			if p.unknown == nil {
				p.unknown = idx
			}
		default:
			if name == "" {
				name = sf.Name
			}
			if f, taken := p.exact[name]; !taken || len(f.index) > len(idx) {
				p.exact[name] = &field{name: name, index: idx}
			}
		}
	}
}

// field returns the field a member's key names, and whether by its exact
// name.
func (p *plan) field(key string) (*field, bool) {
	if f, ok := p.exact[key]; ok {
		return f, true
	}
	var buf [64]byte
	if len(key) > len(buf) {
		return nil, false
	}
	return p.loose[string(looseKey(buf[:0], key))], false
}

// keeps reports whether a pointer to the plan's type implements it.
func (p *plan) keeps(it reflect.Type) bool {
	if it == nil {
		return false
	}
	if k, ok := p.keep.Load(it); ok {
		return k.(bool)
	}
	k := reflect.PointerTo(p.t).Implements(it)
	p.keep.Store(it, k)
	return k
}

// looseName is name in lower case without underscores.
func looseName(name string) string { return string(looseKey(nil, name)) }

// looseKey appends key in ASCII lower case without underscores to buf.
func looseKey(buf []byte, key string) []byte {
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c == '_':
			continue
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}
