package main

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// liveformKey is the key the encrypted goldens were made with.
const liveformKey = "sk_test_liveform_key_0000"

// runLiveform runs "liveform-url" with env and args.
func runLiveform(env map[string]string, args ...string) result {
	return runEnv(env, append([]string{"liveform-url"}, args...)...)
}

func TestLiveformURL(t *testing.T) {
	env := map[string]string{envAPIKey: liveformKey}
	common := []string{"--pid", "proj-123", "--email", "jane.doe@example.com", "--userid", "user 42",
		"--cf1", "order-9", "--cf2", "a&b", "--cf3", "x", "--token", "tok-7", "--lang", "ko"}
	goldens := []struct {
		name, file string
		args       []string
	}{
		{"it prints a plain URL with every parameter escaped", "liveform_plain.golden", common},
		{"--encrypt puts all but pid and lang in encrypted=", "liveform_encrypted.golden",
			append([]string{"--encrypt", "--allowed-countries", "USA, KOR"}, common...)},
		{"--json prints the URL in an object", "liveform_json.golden", []string{"--pid", "proj-123", "--json"}},
	}
	for _, tt := range goldens {
		t.Run(tt.name, func(t *testing.T) {
			r := runLiveform(env, tt.args...)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Empty(t, r.stderr)
			golden(t, tt.file, r.stdout)
		})
	}
	t.Run("the encrypted URL decrypts to the parameters given", func(t *testing.T) {
		r := runLiveform(env, append([]string{"--encrypt", "--allowed-countries", "USA,KOR"}, common...)...)
		require.Equal(t, exitOK, r.code, r.stderr)
		q := query(t, r.stdout)
		assert.Equal(t, "proj-123", q.Get("pid"))
		assert.Equal(t, "ko", q.Get("lang"))
		plain, err := argos.DecryptPayload(liveformKey, q.Get("encrypted"))
		require.NoError(t, err)
		assert.JSONEq(t, `{"email":"jane.doe@example.com","userid":"user 42","cf1":"order-9","cf2":"a&b","cf3":"x",
			"token":"tok-7","allowedCountries":"USA,KOR"}`, string(plain))
		assert.NotContains(t, r.stdout, "jane.doe", "the email is not in clear")
	})
	t.Run("--key-file encrypts with the file's key, not ARGOS_API_KEY", func(t *testing.T) {
		keyFile := filepath.Join(t.TempDir(), "secret")
		require.NoError(t, os.WriteFile(keyFile, []byte("  dashboard-secret-key\n"), 0o600))
		r := runLiveform(env, "--pid", "proj-123", "--userid", "u-1", "--key-file", keyFile)
		require.Equal(t, exitOK, r.code, r.stderr)
		plain, err := argos.DecryptPayload("dashboard-secret-key", query(t, r.stdout).Get("encrypted"))
		require.NoError(t, err)
		assert.JSONEq(t, `{"userid":"u-1"}`, string(plain))
	})
	t.Run("the plain URL reads back as the parameters given", func(t *testing.T) {
		r := runLiveform(nil, common...)
		require.Equal(t, exitOK, r.code, r.stderr)
		q := query(t, r.stdout)
		for k, v := range map[string]string{"pid": "proj-123", "email": "jane.doe@example.com", "userid": "user 42", "cf2": "a&b", "lang": "ko"} {
			assert.Equal(t, v, q.Get(k), k)
		}
	})

	empty := filepath.Join(t.TempDir(), "empty")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))
	errs := []struct {
		name       string
		env        map[string]string
		args       []string
		wantStderr string
	}{
		{"--pid is required", env, []string{"--email", "a@example.com"}, "--pid is required"},
		{"a bad email is refused", env, []string{"--pid", "p", "--email", "not-an-address"}, "--email"},
		{"--allowed-countries needs --encrypt", env, []string{"--pid", "p", "--allowed-countries", "USA"}, "needs --encrypt"},
		{"a country that is not alpha-3 is refused", env, []string{"--pid", "p", "--encrypt", "--allowed-countries", "US"}, "--allowed-countries"},
		{"a control character is refused", env, []string{"--pid", "p", "--cf1", "a\nb"}, "--cf1"},
		{"--encrypt needs ARGOS_API_KEY", nil, []string{"--pid", "p", "--encrypt"}, "ARGOS_API_KEY is not set"},
		{"an empty key file is refused", nil, []string{"--pid", "p", "--key-file", empty}, "the key file is empty"},
		{"a stray argument is refused", env, []string{"--pid", "p", "extra"}, "want 0 argument(s)"},
	}
	for _, tt := range errs {
		t.Run(tt.name+" with exit code 2", func(t *testing.T) {
			r := runLiveform(tt.env, tt.args...)
			assert.Equal(t, exitUsage, r.code)
			assert.Contains(t, r.stderr, tt.wantStderr)
			assert.Empty(t, r.stdout)
			assert.NotContains(t, r.stderr, "not-an-address", "errors quote no value")
			assert.NotContains(t, r.stderr, liveformKey)
		})
	}
}

// query returns the query of the URL printed on out.
func query(t *testing.T, out string) url.Values {
	t.Helper()
	u, err := url.Parse(strings.TrimSpace(out))
	require.NoError(t, err)
	return u.Query()
}

// The --json golden is checked as JSON too.
func TestLiveformURLJSON(t *testing.T) {
	r := runLiveform(nil, "--pid", "proj-123", "--json")
	require.Equal(t, exitOK, r.code, r.stderr)
	var got struct {
		URL       string `json:"url"`
		Encrypted bool   `json:"encrypted"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &got))
	assert.Equal(t, argos.LiveformBaseURL+"?pid=proj-123", got.URL)
	assert.False(t, got.Encrypted)
}
