package argos

import (
	"slices"
	"strings"
)

// query is a request's query parameters. Unlike url.Values it needs no map:
// most calls send one or two parameters.
type query []param

// param is one query parameter; an empty value is not sent.
type param struct{ key, value string }

// appendTo writes "?" and the URL-encoded query to b, sorted by key like
// url.Values.Encode, and nothing when no parameter has a value.
func (q query) appendTo(b *strings.Builder) {
	slices.SortStableFunc(q, func(a, b param) int { return strings.Compare(a.key, b.key) })
	sep := byte('?')
	for _, p := range q {
		if p.value == "" {
			continue
		}
		b.WriteByte(sep)
		sep = '&'
		writeQueryEscaped(b, p.key)
		b.WriteByte('=')
		writeQueryEscaped(b, p.value)
	}
}

// encode returns the query URL-encoded as a form body (no "?"), as
// url.Values.Encode would.
func (q query) encode() string {
	var b strings.Builder
	q.appendTo(&b)
	return strings.TrimPrefix(b.String(), "?")
}

// writeQueryEscaped writes s escaped as url.QueryEscape would, without
// allocating a string of its own.
func writeQueryEscaped(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	for i := range len(s) {
		switch ch := s[i]; {
		case 'a' <= ch && ch <= 'z', 'A' <= ch && ch <= 'Z', '0' <= ch && ch <= '9',
			ch == '-', ch == '_', ch == '.', ch == '~':
			b.WriteByte(ch)
		case ch == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[ch>>4])
			b.WriteByte(hex[ch&15])
		}
	}
}

// url returns the call's URL: the base, the path and the query.
func (c *Client) url(r *call) string {
	n := len(c.base) + len(r.path)
	for _, p := range r.query {
		n += 3*(len(p.key)+len(p.value)) + 2
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(c.base)
	b.WriteString(r.path)
	r.query.appendTo(&b)
	return b.String()
}
