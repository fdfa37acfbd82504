package argos

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestItemsJSONSplitsOnlyTheItemsArray(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"objects, with white space and a comma inside a string", `{ "Items" : [ {"a":"x,]"} , {"b":[1,2]} ] , "nextpageKey":{"id":"1"}}`,
			[]string{`{"a":"x,]"}`, `{"b":[1,2]}`}},
		{"another key that holds an array first", `{"other":[{"x":1}],"Items":[{"y":2}]}`, []string{`{"y":2}`}},
		{"the key in another case, as encoding/json matches it", `{"items":[{"y":2}]}`, []string{`{"y":2}`}},
		{"a string value that reads Items", `{"k":"Items","Items":[1]}`, []string{`1`}},
		{"an escaped quote before the key", `{"k":"a\"b","Items":[{"z":"\\"}]}`, []string{`{"z":"\\"}`}},
		{"an empty list", `{"Items":[]}`, nil},
		{"no list", `{"Items":null}`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			itemsJSON([]byte(tc.body), func(start, end int) { got = append(got, tc.body[start:end]) })
			assert.Equal(t, tc.want, got)
		})
	}
}
