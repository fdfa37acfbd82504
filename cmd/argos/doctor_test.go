package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos/argostest"
)

// doctorReport runs "argos doctor --json" and returns its exit code and
// checks by name.
func doctorReport(t *testing.T, f *fixture, configure func(*app)) (int, map[string]check) {
	t.Helper()
	r := f.runCtx(context.Background(), t, configure, "doctor", "--json")
	var out struct {
		OK     bool    `json:"ok"`
		Checks []check `json:"checks"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &out), r.stdout+r.stderr)
	assert.Equal(t, r.code == exitOK, out.OK)
	byName := map[string]check{}
	var names []string
	for _, c := range out.Checks {
		byName[c.Name] = c
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"config", "network", "auth", "version", "secure transmission", "clock"}, names, "every check, in order")
	if key := f.env[envAPIKey]; key != "" {
		assert.NotContains(t, r.stdout, key, "the key is never printed")
	}
	return r.code, byName
}

func TestDoctor(t *testing.T) {
	t.Run("a good setup passes every check and exits 0", func(t *testing.T) {
		f := setup(t).v3()
		code, c := doctorReport(t, f, nil)
		assert.Equal(t, exitOK, code)
		for name, ch := range c {
			assert.Equal(t, checkOK, ch.Status, "%s: %s", name, ch.Detail)
			assert.Empty(t, ch.Fix, name)
		}
		r := f.run(t, "doctor")
		require.Equal(t, exitOK, r.code, r.stderr)
		assert.Regexp(t, `(?m)^ok +auth +an authenticated read works$`, r.stdout)
	})
	t.Run("a wrong key fails the read with its fix, and exits 1", func(t *testing.T) {
		f := setup(t).v3()
		f.env[envAPIKey] = "test_wrong_key"
		code, c := doctorReport(t, f, nil)
		assert.Equal(t, exitFailure, code)
		assert.Equal(t, checkOK, c["network"].Status)
		assert.Equal(t, checkFail, c["auth"].Status)
		assert.Equal(t, "the API refused the key", c["auth"].Detail)
		assert.Contains(t, c["auth"].Fix, "check ARGOS_API_KEY")
		assert.Equal(t, checkSkip, c["secure transmission"].Status)
	})
	t.Run("an IP address off the allow-list is told from a wrong key", func(t *testing.T) {
		f := setup(t, argostest.WithIPDenied()).v3()
		code, c := doctorReport(t, f, nil)
		assert.Equal(t, exitFailure, code)
		assert.Equal(t, checkFail, c["auth"].Status)
		assert.Contains(t, c["auth"].Detail, "not on the project's allow-list")
		assert.Contains(t, c["auth"].Fix, "allow-list")
	})
	t.Run("a v2 base is a warning naming the v3 base of the same host", func(t *testing.T) {
		f := setup(t)
		code, c := doctorReport(t, f, nil)
		assert.Equal(t, exitOK, code, "a warning does not fail")
		assert.Equal(t, checkWarn, c["version"].Status)
		assert.Equal(t, "set ARGOS_BASE_URL="+f.srv.URL("v3"), c["version"].Fix)
	})
	t.Run("a project with Secure Data Transmission on and a CLI sending plain requests fail, with the fix", func(t *testing.T) {
		f := setup(t, argostest.WithSecureTransmission()).v3()
		code, c := doctorReport(t, f, nil)
		assert.Equal(t, exitFailure, code)
		assert.Equal(t, checkOK, c["auth"].Status, "the key works, encrypted")
		assert.Equal(t, checkFail, c["secure transmission"].Status)
		assert.Contains(t, c["secure transmission"].Detail, "the project has Secure Data Transmission on")
		assert.Equal(t, "set ARGOS_SECURE_TRANSMISSION=1", c["secure transmission"].Fix)

		f.env[envSecure] = "1"
		code, c = doctorReport(t, f, nil)
		assert.Equal(t, exitOK, code, "the fix works")
		assert.Equal(t, checkOK, c["secure transmission"].Status)
		r := f.run(t, "list", "--json")
		assert.Equal(t, exitOK, r.code, "and the other commands follow it: %s", r.stderr)
	})
	t.Run("a CLI encrypting for a project without the option fails, with the fix", func(t *testing.T) {
		f := setup(t).v3()
		f.env[envSecure] = "on"
		code, c := doctorReport(t, f, nil)
		assert.Equal(t, exitFailure, code)
		assert.Equal(t, checkFail, c["secure transmission"].Status)
		assert.Equal(t, "unset ARGOS_SECURE_TRANSMISSION", c["secure transmission"].Fix)
	})
	t.Run("a clock off by minutes is a warning", func(t *testing.T) {
		f := setup(t).v3()
		code, c := doctorReport(t, f, func(a *app) { a.now = func() time.Time { return time.Now().Add(10 * time.Minute) } })
		assert.Equal(t, exitOK, code)
		assert.Equal(t, checkWarn, c["clock"].Status)
		assert.Contains(t, c["clock"].Detail, "ahead of the server's")
	})
	t.Run("a certificate the CLI does not trust fails the network check", func(t *testing.T) {
		f := setup(t).v3()
		delete(f.env, envCAFile) // the system's roots do not sign the fake's certificate
		code, c := doctorReport(t, f, nil)
		assert.Equal(t, exitFailure, code)
		assert.Equal(t, checkFail, c["network"].Status)
		assert.Contains(t, c["network"].Fix, "the certificate does not verify")
		assert.Equal(t, checkSkip, c["auth"].Status)
	})
	t.Run("a missing key fails the configuration and skips the rest", func(t *testing.T) {
		f := setup(t).v3()
		delete(f.env, envAPIKey)
		code, c := doctorReport(t, f, nil)
		assert.Equal(t, exitFailure, code)
		assert.Equal(t, checkFail, c["config"].Status)
		assert.Equal(t, "ARGOS_API_KEY is not set", c["config"].Detail)
		for _, name := range []string{"network", "auth", "version", "secure transmission", "clock"} {
			assert.Equal(t, checkSkip, c[name].Status, name)
		}
	})
	t.Run("a base URL that is not https fails the configuration", func(t *testing.T) {
		f := setup(t)
		f.env[envBaseURL] = "http://example.com/v3"
		code, c := doctorReport(t, f, nil)
		assert.Equal(t, exitFailure, code)
		assert.Contains(t, c["config"].Detail, "must use https")
	})
}
