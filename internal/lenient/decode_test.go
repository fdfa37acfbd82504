package lenient

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type inner struct {
	Code string `json:"code"`
}

type sample struct {
	ID      string            `json:"submission_id"`
	Name    string            `json:"name"`
	Score   *float64          `json:"score"`
	Count   int               `json:"count"`
	OK      bool              `json:"ok"`
	Tags    []string          `json:"tags"`
	Items   []inner           `json:"items"`
	Inner   *inner            `json:"inner"`
	Raw     json.RawMessage   `json:"raw"`
	Any     any               `json:"any"`
	Skipped string            `json:"-"`
	Rest    map[string]string `json:",unknown"`
}

func decodeSample(t *testing.T, body string) sample {
	t.Helper()
	var s sample
	require.NoError(t, Decode([]byte(body), &s, nil), body)
	return s
}

func TestDecodeIsLenientWhereTheVendorsDocumentsDrift(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, tc := range []struct {
		name, body string
		want       sample
	}{
		{"a number where text is documented is kept as written", `{"submission_id": 1234567890123456789, "name": 1.50}`,
			sample{ID: "1234567890123456789", Name: "1.50"}},
		{"a boolean where text is documented", `{"name": true}`, sample{Name: "true"}},
		{"numbers sent as strings", `{"score": " 0.5 ", "count": "3"}`, sample{Score: f(0.5), Count: 3}},
		{"a count sent as 1.0", `{"count": 1.0}`, sample{Count: 1}},
		{"a boolean sent as a string", `{"ok": "true"}`, sample{OK: true}},
		{"a single value where a list is documented", `{"tags": "one"}`, sample{Tags: []string{"one"}}},
		{"a single object where a list is documented", `{"items": {"code": "x"}}`, sample{Items: []inner{{Code: "x"}}}},
		{"nulls leave zero values", `{"submission_id": null, "score": null, "tags": null, "inner": null}`, sample{}},
		{"a value of another type is skipped, the rest kept", `{"score": "n/a", "count": {}, "ok": 3, "name": [1], "submission_id": "a"}`,
			sample{ID: "a"}},
		{"NaN and infinities are no number", `{"score": "NaN", "count": "Inf"}`, sample{}},
		{"an integer beyond 2^53 is no count", `{"count": 1e300}`, sample{}},
		{"snake_case and camelCase name one field", `{"submissionId": "a"}`, sample{ID: "a"}},
		{"a name in another case", `{"SUBMISSION_ID": "a"}`, sample{ID: "a"}},
		{"the exact name wins over a looser one, in any order", `{"submissionId": "loose", "submission_id": "exact"}`, sample{ID: "exact"}},
		{"a looser name never overwrites", `{"submission_id": "exact", "submissionId": "loose"}`,
			sample{ID: "exact", Rest: map[string]string{"submissionId": "loose"}}},
		{"trailing commas", `{"tags": ["a", "b",], "items": [{"code": "x",},],}`,
			sample{Tags: []string{"a", "b"}, Items: []inner{{Code: "x"}}}},
		{"odd elements are dropped from a list of text, nulls are empty text", `{"tags": ["a", {}, [], null, 2]}`,
			sample{Tags: []string{"a", "", "2"}}},
		{"odd elements stay in a list of objects as zero values, for checks to see", `{"items": [1, {"code": "x"}]}`,
			sample{Items: []inner{{}, {Code: "x"}}}},
		{"a pointer stays nil when its value was skipped", `{"inner": "text"}`, sample{}},
		{"RawMessage keeps the value as sent", `{"raw": {"a": [1, "x"]}}`, sample{Raw: json.RawMessage(`{"a": [1, "x"]}`)}},
		{"RawMessage keeps null", `{"raw": null}`, sample{Raw: json.RawMessage(`null`)}},
		{"an interface takes what encoding/json makes", `{"any": {"a": 1}}`, sample{Any: map[string]any{"a": 1.0}}},
		{"RawMessage drops trailing commas, so that it stays JSON", `{"raw": {"a": [1, "x,]",],}}`, sample{Raw: json.RawMessage(`{"a": [1, "x,]"]}`)}},
		{"an interface takes a value with trailing commas", `{"any": {"a": [1,],}}`, sample{Any: map[string]any{"a": []any{1.0}}}},
		{"a json:\"-\" field is not filled, its name goes to the unknown map", `{"Skipped": "x"}`,
			sample{Rest: map[string]string{"Skipped": "x"}}},
		{"unknown members go to the ,unknown map as text", `{"ocr_x": "a", "ocr_y": 5}`,
			sample{Rest: map[string]string{"ocr_x": "a", "ocr_y": "5"}}},
		{"escapes and invalid UTF-8 as encoding/json reads them", "{\"name\": \"a\\u00e9\\n\xff\"}", sample{Name: "aé\n\uFFFD"}},
		{"a duplicate exact name: the last wins", `{"name": "a", "name": "b"}`, sample{Name: "b"}},
		{"null after a value leaves it, as encoding/json does", `{"submissionId": "a", "submission_id": null, "name": "x", "name": null}`,
			sample{ID: "a", Name: "x"}},
		{"{} where a list is documented is an empty list", `{"items": {}, "tags": { }}`, sample{Items: []inner{}, Tags: []string{}}},
		{"a looser name that finds its field set goes to the unknown map", `{"submission_id": "a", "SubmissionId": "b"}`,
			sample{ID: "a", Rest: map[string]string{"SubmissionId": "b"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, decodeSample(t, tc.body))
		})
	}
}

func TestDecodeIsStrictAboutSyntax(t *testing.T) {
	for _, body := range []string{
		``, ` `, `{`, `{"a"}`, `{"a":}`, `{"a":1,,}`, `{,}`, `[,]`, `[1,,2]`, `{"a":1}{}`, `{"a":tru}`, `{"a":nul}`,
		`{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":1e}`, `{"a":"x`, "{\"a\":\"\x01\"}", `{"a":"\x"}`, `{"a":'x'}`,
		`{a:1}`, `{"a":1 "b":2}`, `[1 2]`, strings.Repeat("[", 1001) + strings.Repeat("]", 1001),
	} {
		var s sample
		err := Decode([]byte(body), &s, nil)
		var se *SyntaxError
		assert.True(t, errors.As(err, &se), "%q: %v", body, err)
	}
}

func TestDecodeBoundsTopLevelLists(t *testing.T) {
	var s sample
	assert.ErrorIs(t, Decode([]byte(`{"tags":["a","b","c"]}`), &s, &Options{MaxItems: 2}), ErrTooManyItems)
	assert.ErrorIs(t, Decode([]byte(`{"other":[1,2,3]}`), &s, &Options{MaxItems: 2}), ErrTooManyItems, "a skipped list counts too")
	var l []inner
	assert.ErrorIs(t, Decode([]byte(`[{},{},{}]`), &l, &Options{MaxItems: 2}), ErrTooManyItems)
	require.NoError(t, Decode([]byte(`[{},{},]`), &l, &Options{MaxItems: 2}), "a trailing comma is no item")
	require.NoError(t, Decode([]byte(`{"items":[{"x":[1,2,3]}]}`), &s, &Options{MaxItems: 2}), "deeper lists are not pages")
}

type kept struct {
	Code string `json:"code"`
	raw  *string
}

func (k *kept) keep(raw *string) { k.raw = raw }

type keepIface interface{ keep(*string) }

func TestDecodeHandsEachKeptStructItsJSON(t *testing.T) {
	o := &Options{KeepType: reflect.TypeFor[keepIface](), Keep: func(p any, raw *string) { p.(keepIface).keep(raw) }}
	var page struct {
		Items []kept `json:"Items"`
	}
	body := `{"Items": [ {"code": "a"} , {"code":"b",}]}`
	require.NoError(t, Decode([]byte(body), &page, o))
	require.Len(t, page.Items, 2)
	assert.Equal(t, `{"code": "a"}`, *page.Items[0].raw)
	assert.Equal(t, `{"code":"b",}`, *page.Items[1].raw)
	var one kept
	require.NoError(t, Decode([]byte(` {"code":"c"} `), &one, o))
	assert.Equal(t, `{"code":"c"}`, *one.raw)
}

// nested is a list of lists of itself: a single object is not a list of
// one of it (that would be a list of one list of one, forever).
type nested []nested

func TestDecodeMakesAListOfOneOnlyOfWhatIsNoList(t *testing.T) {
	var n nested
	require.NoError(t, Decode([]byte(`{"a": 1}`), &n, nil))
	assert.Nil(t, n)
	var ll struct {
		L [][]inner  `json:"l"`
		S [][]string `json:"s"`
	}
	require.NoError(t, Decode([]byte(`{"l": {"code": "x"}, "s": "x"}`), &ll, nil))
	assert.Nil(t, ll.L, "an object is not a list of lists")
	assert.Nil(t, ll.S, "nor is a string")
}

func TestDecodeRefusesWhatIsNotAPointer(t *testing.T) {
	var s sample
	assert.Error(t, Decode([]byte(`{}`), s, nil))
	assert.Error(t, Decode([]byte(`{}`), (*sample)(nil), nil))
}

func nesting(b []byte) int {
	depth, deepest := 0, 0
	for _, c := range b {
		switch c {
		case '[', '{':
			depth++
			deepest = max(deepest, depth)
		case ']', '}':
			depth--
		}
	}
	return deepest
}

// FuzzDecode checks that Decode accepts exactly the documents encoding/json
// accepts (trailing commas aside), never panics, and reads back what
// encoding/json wrote.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{`{"submission_id":"a","tags":["x",],"items":[{"code":1}]}`, `[1,"2",{"a":null}]`,
		`{"score":"1e3","inner":{"code":"\u00e9"}}`, `"x"`, `{"a":[1,2,]}`, "{\"name\":\"\xff\"}",
		`{"raw":{"a":[1,],},"any":[{},]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var s sample
		err := Decode(b, &s, nil)
		var se *SyntaxError
		valid := json.Valid(b) || json.Valid(dropTrailingCommas(b))
		if nesting(b) <= maxDepth {
			if valid && err != nil {
				t.Fatalf("%q is JSON (trailing commas aside) and was refused: %v", b, err)
			}
			if !valid && !errors.As(err, &se) {
				t.Fatalf("%q is not JSON and was accepted (err %v)", b, err)
			}
		}
		if err != nil {
			return
		}
		if s.Score != nil && (math.IsNaN(*s.Score) || math.IsInf(*s.Score, 0)) {
			t.Fatalf("a score that is no number: %v", *s.Score)
		}
		// Decoding is a fixed point after one round (encoding/json writes
		// the unknown map as a member, not inline: leave it out).
		s.Rest = nil
		m1, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("%q decoded to what does not encode: %v", b, err)
		}
		var again sample
		if err := Decode(m1, &again, nil); err != nil {
			t.Fatalf("cannot decode %s: %v", m1, err)
		}
		again.Rest = nil
		if m2, _ := json.Marshal(again); string(m1) != string(m2) {
			t.Fatalf("not stable:\n%s\n%s", m1, m2)
		}
	})
}
