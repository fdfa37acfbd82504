package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
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
	misconfigured := []struct {
		name     string
		opts     []argostest.ServerOption
		env      map[string]string // set over the fixture's v3 environment; "" unsets
		want     int
		check    check // the check that tells, with a part of its detail and its whole fix
		skipped  []string
		okBefore string // a check before it that passes
	}{
		{"a wrong key fails the read with its fix", nil, map[string]string{envAPIKey: "test_wrong_key"}, exitFailure,
			check{"auth", checkFail, "the API refused the key", "check ARGOS_API_KEY: the project's API key from the Argos dashboard (not the Add-on key, not another project's)"},
			[]string{"secure transmission"}, "network"},
		{"an IP address off the allow-list is told from a wrong key", []argostest.ServerOption{argostest.WithIPDenied()}, nil, exitFailure,
			check{"auth", checkFail, "not on the project's allow-list", "add this machine's public IP address to the project's allow-list in the Argos dashboard"},
			[]string{"secure transmission"}, "network"},
		{"a v2 base is a warning naming the v3 base of the same host, and passes", nil, map[string]string{envBaseURL: "v2"}, exitOK,
			check{"version", checkWarn, "v2, the deprecated API guide's base", "set ARGOS_BASE_URL=v3"}, nil, "auth"},
		{"a project with Secure Data Transmission on and a CLI sending plain requests fail", []argostest.ServerOption{argostest.WithSecureTransmission()}, nil, exitFailure,
			check{"secure transmission", checkFail, "the project has Secure Data Transmission on", "set ARGOS_SECURE_TRANSMISSION=1"}, nil, "auth"},
		{"a CLI encrypting for a project without the option fails", nil, map[string]string{envSecure: "on"}, exitFailure,
			check{"secure transmission", checkFail, "the project has Secure Data Transmission off", "unset ARGOS_SECURE_TRANSMISSION"}, nil, "auth"},
		{"a certificate the CLI does not trust fails the network check", nil, map[string]string{envCAFile: ""}, exitFailure,
			check{"network", checkFail, "certificate", "the certificate does not verify: give --ca-file or ARGOS_CA_FILE the CA that signs it (argos fake writes one), or check for a TLS-inspecting proxy"},
			[]string{"auth", "secure transmission"}, "config"},
		{"a missing key fails the configuration and skips the rest", nil, map[string]string{envAPIKey: ""}, exitFailure,
			check{"config", checkFail, "ARGOS_API_KEY is not set", "export ARGOS_API_KEY=… (the project's API key, from the Argos dashboard)"},
			[]string{"network", "auth", "version", "secure transmission", "clock"}, ""},
		{"a base URL that is not https fails the configuration", nil, map[string]string{envBaseURL: "http://example.com/v3"}, exitFailure,
			check{"config", checkFail, "must use https", "set ARGOS_BASE_URL to an https URL such as " + argos.BaseURLV3 + ", and --ca-file or ARGOS_CA_FILE to a PEM file"},
			[]string{"network", "auth", "version", "secure transmission"}, ""},
	}
	for _, tt := range misconfigured {
		t.Run(tt.name, func(t *testing.T) {
			f := setup(t, tt.opts...).v3()
			for k, v := range tt.env {
				switch v {
				case "":
					delete(f.env, k)
				case "v2", "v3":
					f.env[k] = f.srv.URL(v)
				default:
					f.env[k] = v
				}
			}
			code, c := doctorReport(t, f, nil)
			assert.Equal(t, tt.want, code)
			got := c[tt.check.Name]
			assert.Equal(t, tt.check.Status, got.Status)
			assert.Contains(t, got.Detail, tt.check.Detail)
			want := strings.Replace(tt.check.Fix, "=v3", "="+f.srv.URL("v3"), 1)
			assert.Equal(t, want, got.Fix)
			for _, name := range tt.skipped {
				assert.Equal(t, checkSkip, c[name].Status, name)
			}
			if tt.okBefore != "" {
				assert.Equal(t, checkOK, c[tt.okBefore].Status, tt.okBefore)
			}
		})
	}
	t.Run("with ARGOS_SECURE_TRANSMISSION=1, a project with the option passes, and the other commands follow it", func(t *testing.T) {
		f := setup(t, argostest.WithSecureTransmission()).v3()
		f.env[envSecure] = "1"
		code, c := doctorReport(t, f, nil)
		assert.Equal(t, exitOK, code)
		assert.Equal(t, checkOK, c["secure transmission"].Status)
		r := f.run(t, "list", "--json")
		assert.Equal(t, exitOK, r.code, r.stderr)
	})
	t.Run("a clock off by minutes is a warning", func(t *testing.T) {
		f := setup(t).v3()
		code, c := doctorReport(t, f, func(a *app) { a.now = func() time.Time { return time.Now().Add(10 * time.Minute) } })
		assert.Equal(t, exitOK, code)
		assert.Equal(t, checkWarn, c["clock"].Status)
		assert.Contains(t, c["clock"].Detail, "ahead of the server's")
	})
}
