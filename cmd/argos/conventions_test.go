package main

import (
	"context"
	"encoding/json"
	"flag"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kycgo/argos"
)

// visibleCommands are the commands "argos help" lists.
func visibleCommands() []string {
	var out []string
	for n, c := range commands {
		if !c.hidden {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func TestHelp(t *testing.T) {
	for _, name := range append(visibleCommands(), "webhooks") {
		for _, h := range []string{"-h", "--help"} {
			t.Run("argos "+name+" "+h+" prints its help and exits 0", func(t *testing.T) {
				r := runEnv(nil, append(strings.Fields(name), h)...)
				assert.Equal(t, exitOK, r.code, r.stderr)
				assert.Empty(t, r.stderr)
				assert.Contains(t, r.stdout, "usage: argos "+name)
			})
		}
		t.Run("argos help "+name+" prints the same help", func(t *testing.T) {
			r := runEnv(nil, append([]string{"help"}, strings.Fields(name)...)...)
			assert.Equal(t, exitOK, r.code, r.stderr)
			assert.Equal(t, runEnv(nil, append(strings.Fields(name), "-h")...).stdout, r.stdout)
		})
	}
	t.Run("argos webhooks -h lists the subcommands", func(t *testing.T) {
		r := runEnv(nil, "webhooks", "-h")
		for _, sub := range subcommands("webhooks") {
			assert.Contains(t, r.stdout, "  webhooks "+sub+" [flags]")
		}
	})
	t.Run("argos help lists doctor, version and completion", func(t *testing.T) {
		r := runEnv(nil, "help")
		require.Equal(t, exitOK, r.code)
		for _, name := range []string{"doctor", "version", "completion"} {
			assert.Contains(t, r.stdout, "  "+name+" [flags]")
		}
		assert.NotContains(t, r.stdout, "__complete", "the completion helper is hidden")
	})
	t.Run("argos help of an unknown command is a usage error", func(t *testing.T) {
		r := runEnv(nil, "help", "frobnicate")
		assert.Equal(t, exitUsage, r.code)
		assert.Contains(t, r.stderr, `unknown command "frobnicate"`)
	})
}

// flagsOf returns the flags a command defines.
func flagsOf(t *testing.T, name string) map[string]*flag.Flag {
	t.Helper()
	c := commands[name]
	require.NotNil(t, c, name)
	flags := commandFlags(context.Background(), c)
	require.NotNil(t, flags, "%s lists its flags", name)
	return flags
}

func TestEachCommandShowsItsFlags(t *testing.T) {
	tests := []struct {
		command string
		has     []string
		hasNot  []string
	}{
		{"get", []string{"json", "show-pii", "ca-file"}, nil},
		{"image", []string{"json", "show-pii", "ca-file", "type", "o"}, nil},
		{"liveform-url", []string{"json", "pid"}, []string{"show-pii", "ca-file"}},
		{"webhooks listen", []string{"show-pii", "addr"}, []string{"json", "ca-file"}},
		{"version", []string{"json"}, []string{"show-pii", "ca-file"}},
		{"completion", nil, []string{"json", "show-pii", "ca-file"}},
		{"doctor", []string{"json", "ca-file"}, []string{"show-pii"}},
	}
	for _, tt := range tests {
		t.Run(tt.command+" shows only the flags it uses", func(t *testing.T) {
			flags := flagsOf(t, tt.command)
			for _, f := range tt.has {
				assert.Contains(t, flags, f)
			}
			for _, f := range tt.hasNot {
				assert.NotContains(t, flags, f)
				r := runEnv(nil, append(strings.Fields(tt.command), "--"+f)...)
				assert.Equal(t, exitUsage, r.code, "--%s is refused", f)
			}
		})
	}
	t.Run("every flag's help is a complete phrase", func(t *testing.T) {
		cut := []string{" a", " an", " the", " and", " or", " are", " is", " to", " of", " with", ":", ","}
		for _, name := range visibleCommands() {
			for _, f := range flagsOf(t, name) {
				u := strings.TrimSpace(f.Usage)
				assert.NotEmpty(t, u, "%s --%s", name, f.Name)
				for _, c := range cut {
					assert.False(t, strings.HasSuffix(u, c), "%s --%s ends in %q: %s", name, f.Name, c, u)
				}
			}
		}
	})
}

func TestJSONOmitsEmptyFields(t *testing.T) {
	t.Run("omitEmpty leaves out empty members, keeps the order, zeros and array elements", func(t *testing.T) {
		got, err := omitEmpty([]byte(`{"z":"a","e":"","n":null,"o":{"x":"","y":[]},"a":[],"zero":0,"f":false,"l":["",{"k":""}],"s":"<&>"}`))
		require.NoError(t, err)
		assert.Equal(t, `{"z":"a","zero":0,"f":false,"l":["",{}],"s":"<&>"}`, string(got))
	})
	f := setup(t)
	ids := f.seed(t, people...)
	for _, args := range [][]string{{"get", ids[0], "--json"}, {"list", "--json", "--show-pii"}, {"delete", ids[3], "--json"}} {
		t.Run(strings.Join(args[:1], " ")+" --json holds no empty field", func(t *testing.T) {
			r := f.run(t, args...)
			require.Equal(t, exitOK, r.code, r.stderr)
			for _, e := range []string{`""`, "null", "[]", "{}"} {
				assert.NotContains(t, r.stdout, ": "+e)
			}
			assert.True(t, json.Valid([]byte(r.stdout)))
		})
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}} {
		t.Run("argos "+args[0]+" prints the CLI's, the SDK's and Go's versions", func(t *testing.T) {
			r := runEnv(nil, args...)
			require.Equal(t, exitOK, r.code, r.stderr)
			assert.Regexp(t, `(?m)^argos +\S`, r.stdout)
			assert.Regexp(t, `(?m)^sdk +`+argos.Version+`$`, r.stdout)
			assert.Contains(t, r.stdout, runtime.Version())
		})
	}
	t.Run("--json prints them as an object", func(t *testing.T) {
		r := runEnv(nil, "version", "--json")
		require.Equal(t, exitOK, r.code, r.stderr)
		var v versionInfo
		require.NoError(t, json.Unmarshal([]byte(r.stdout), &v))
		assert.Equal(t, argos.Version, v.SDK)
		assert.Equal(t, runtime.Version(), v.Go)
	})
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"a release names its version", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.0"}},
			"v1.2.0 (sdk " + argos.Version + ", go1.26.0)"},
		{"a checkout names its commit", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2026-01-02T03:04:05Z"}}},
			"(devel) (sdk " + argos.Version + ", go1.26.0, commit 0123abcd)"},
		{"uncommitted changes are marked", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.modified", Value: "true"}}},
			"(devel) (sdk " + argos.Version + ", go1.26.0, commit 0123abcd+modified)"},
		{"no build information still names the SDK and Go", nil, "(unknown) (sdk " + argos.Version + ", " + runtime.Version() + ")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, readVersion(tt.bi).String())
		})
	}
}

func TestComplete(t *testing.T) {
	tests := []struct {
		name  string
		words []string
		want  []string
	}{
		{"commands and groups", []string{"re"}, []string{"report", "review"}},
		{"a group's subcommands", []string{"webhooks", ""}, []string{"listen", "trigger"}},
		{"a command's flags", []string{"list", "--t"}, []string{"--to", "--type"}},
		{"the values of --type", []string{"list", "--type", ""}, []string{"aml", "data", "kyc", "others"}},
		{"the values of --type after =", []string{"export", "--type=d"}, []string{"--type=data"}},
		{"image types", []string{"image", "sub-1", "--type", "s"}, []string{"selfie"}},
		{"purge's parts", []string{"purge", "--fields", "id"}, []string{"id_image"}},
		{"the shells", []string{"completion", ""}, []string{"bash", "fish", "zsh"}},
		{"webhook triggers", []string{"webhooks", "trigger", "app"}, []string{"approved"}},
		{"nothing for a file name, so the shell offers files", []string{"export", "-o", ""}, nil},
		{"nothing after the argument", []string{"completion", "bash", ""}, nil},
		{"the commands after help", []string{"help", "doc"}, []string{"doctor"}},
		{"the fake's flags", []string{"fake", "--enc"}, []string{"--encrypt"}},
	}
	for _, tt := range tests {
		t.Run("it completes "+tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, complete(context.Background(), tt.words))
		})
	}
	t.Run("completing leaves the flags' own lists as they were", func(t *testing.T) {
		before := slices.Clone(partialNames)
		complete(context.Background(), []string{"purge", "--fields", "sel"})
		assert.Equal(t, before, partialNames)
	})
}

func TestCompletionScripts(t *testing.T) {
	bin := buildCLI(t)
	path := filepath.Dir(bin) + ":/usr/bin:/bin"
	tests := []struct {
		shell, script string
	}{
		{"bash", `source <(argos completion bash); COMP_WORDS=(argos list --ty); COMP_CWORD=2; _argos; printf '%s\n' "${COMPREPLY[@]}"`},
		{"zsh", `compadd(){ print -l -- "${@:3}" }; compdef(){ : }; source <(argos completion zsh); words=(argos list --ty); CURRENT=3; _argos`},
		{"fish", `argos completion fish | source; complete -C "argos list --ty"`},
	}
	for _, tt := range tests {
		t.Run("the "+tt.shell+" script completes a flag", func(t *testing.T) {
			sh, err := exec.LookPath(tt.shell)
			if err != nil {
				t.Skipf("%s is not installed", tt.shell)
			}
			cmd := exec.Command(sh, "-c", tt.script)
			cmd.Env = []string{"PATH=" + path, "HOME=" + t.TempDir()}
			out, err := cmd.CombinedOutput()
			require.NoError(t, err, string(out))
			assert.Equal(t, "--type\n", string(out))
		})
	}
}
