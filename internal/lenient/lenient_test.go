package lenient

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFloatAcceptsEveryDocumentedForm(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want *float64
	}{
		{"a plain number", `91`, ptr(91)},
		{"a zero stays a zero", `0`, ptr(0)},
		{"a quoted number", `"99.5"`, ptr(99.5)},
		{"a quoted number with spaces", `" 7 "`, ptr(7)},
		{"null is absent", `null`, nil},
		{"a placeholder string is absent", `"{argos_score}"`, nil},
		{"an object is absent", `{"a":1}`, nil},
		{"an array is absent", `[1]`, nil},
		{"a boolean is absent", `true`, nil},
		{"NaN is absent", `"NaN"`, nil},
		{"infinity is absent", `"-Inf"`, nil},
		{"an out-of-range number is absent", `1e400`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var v struct {
				F Float `json:"f"`
			}
			require.NoError(t, json.Unmarshal([]byte(`{"f":`+tc.in+`}`), &v))
			assert.Equal(t, tc.want, v.F.Ptr())
		})
	}
}

func TestIntAcceptsQuotedAndFloatForms(t *testing.T) {
	for in, want := range map[string]Int{`3`: {3, true}, `"2"`: {2, true}, `1.0`: {1, true}, `null`: {}, `"x"`: {}, `1e300`: {}} {
		var n Int
		require.NoError(t, n.UnmarshalJSON([]byte(in)))
		assert.Equal(t, want, n, in)
	}
}

func TestStringKeepsNumbersAsWritten(t *testing.T) {
	for in, want := range map[string]String{`"a"`: "a", `12345`: "12345", `1649291435919`: "1649291435919", `true`: "true", `null`: "", `{}`: ""} {
		var s String
		require.NoError(t, s.UnmarshalJSON([]byte(in)))
		assert.Equal(t, want, s, in)
	}
}

func TestStringsAcceptsArraySingleAndNull(t *testing.T) {
	for in, want := range map[string]Strings{`["a","b"]`: {"a", "b"}, `"a"`: {"a"}, `null`: nil, `[1,"x",null]`: {"1", "x", ""}, `["a",{}]`: {"a"}, `[`: nil} {
		var l Strings
		require.NoError(t, l.UnmarshalJSON([]byte(in)))
		assert.Equal(t, want, l, in)
	}
}

func ptr(f float64) *float64 { return &f }
