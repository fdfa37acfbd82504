package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// shells are the shells "argos completion" writes a script for.
var shells = []string{"bash", "zsh", "fish"}

func init() {
	register(&command{
		name: "completion", args: "bash|zsh|fish", argValues: shells,
		summary: "print the shell completion script for commands, flags and their values", run: runCompletion,
	})
	register(&command{name: "__complete", args: "WORDS…", hidden: true, summary: "the completion scripts' helper", run: runComplete})
}

// The scripts ask "argos __complete WORD…" (the words after argos, the
// last one being completed) for the candidates, one per line, so that
// every shell completes the same way from the command table. Where there
// is none (the value of -o, say), the shell completes file names.
const (
	bashScript = `# argos completion for bash. Load it with:
#   source <(argos completion bash)
# or save it as /etc/bash_completion.d/argos.
_argos() {
	local IFS=$'\n'
	COMPREPLY=($(argos __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _argos argos
`
	zshScript = `#compdef argos
# argos completion for zsh. Load it with:
#   source <(argos completion zsh)
# or save it as _argos in a directory of $fpath.
_argos() {
	local -a candidates
	candidates=("${(@f)$(argos __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
	candidates=(${candidates:#})
	if (( ${#candidates} )); then
		compadd -Q -- "${candidates[@]}"
	else
		_files
	fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
	_argos "$@"
else
	compdef _argos argos
fi
`
	fishScript = `# argos completion for fish. Load it with:
#   argos completion fish | source
# or save it as ~/.config/fish/completions/argos.fish.
function __argos_complete
	set -l words (commandline -opc)[2..-1] (commandline -ct)
	set -l candidates (argos __complete $words 2>/dev/null)
	if test (count $candidates) -gt 0
		printf '%s\n' $candidates
	else
		__fish_complete_path (commandline -ct)
	end
end
complete -c argos -f -a '(__argos_complete)'
`
)

// runCompletion prints the completion script for a shell.
func runCompletion(_ context.Context, a *app, args []string) error {
	fs := a.flagSet(0)
	pos, err := a.parse(fs, args, 1)
	if err != nil {
		return err
	}
	script := map[string]string{"bash": bashScript, "zsh": zshScript, "fish": fishScript}[pos[0]]
	if script == "" {
		return usagef("the shell must be one of %s", strings.Join(shells, ", "))
	}
	_, err = io.WriteString(a.stdout, script)
	return err
}

// runComplete prints the candidates for the last of args, one per line.
func runComplete(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		args = []string{""}
	}
	for _, c := range complete(ctx, args) {
		if _, err := fmt.Fprintln(a.stdout, c); err != nil {
			return err
		}
	}
	return nil
}

// complete returns the candidates for the last word of words (the words
// after "argos"), sorted.
func complete(ctx context.Context, words []string) []string {
	cur, before := words[len(words)-1], words[:len(words)-1]
	var out []string
	switch {
	case len(before) == 0:
		out = topLevel()
	case before[0] == "help" && len(before) == 1:
		out = topLevel()
	case len(before) == 1 && len(subcommands(before[0])) > 0 && commands[before[0]] == nil:
		out = subcommands(before[0])
	default:
		c, rest := lookup(before)
		if c == nil || c.hidden {
			return nil
		}
		out = completeCommand(ctx, c, rest, cur)
	}
	out = slices.DeleteFunc(slices.Clone(out), func(s string) bool { return !strings.HasPrefix(s, cur) }) // out may be a flag's own list
	slices.Sort(out)
	return slices.Compact(out)
}

// topLevel returns the commands and groups, "help" and the flags of argos
// itself.
func topLevel() []string {
	out := []string{"help", "--help", "--version"}
	for n, c := range commands {
		if !c.hidden {
			out = append(out, strings.Fields(n)[0])
		}
	}
	return out
}

// completeCommand returns the candidates for cur after c and the words
// rest: the values of the flag before it, the flags, or the values of the
// first argument.
func completeCommand(ctx context.Context, c *command, rest []string, cur string) []string {
	flags := commandFlags(ctx, c)
	if name, _, ok := strings.Cut(cur, "="); ok && strings.HasPrefix(name, "-") {
		var out []string
		for _, v := range choices(flags[strings.TrimLeft(name, "-")]) {
			out = append(out, name+"="+v)
		}
		return out
	}
	if n := len(rest); n > 0 && strings.HasPrefix(rest[n-1], "-") && !strings.Contains(rest[n-1], "=") {
		if f := flags[strings.TrimLeft(rest[n-1], "-")]; f != nil && !isBool(f) {
			return choices(f) // the flag's value: nothing to offer means a file or free text
		}
	}
	if strings.HasPrefix(cur, "-") {
		var out []string
		for name := range flags {
			if len(name) == 1 {
				out = append(out, "-"+name)
			} else {
				out = append(out, "--"+name)
			}
		}
		return out
	}
	if positional(rest, flags) == 0 {
		return c.argValues
	}
	return nil
}

// commandFlags returns c's flags by name, as its run defines them.
func commandFlags(ctx context.Context, c *command) map[string]*flag.Flag {
	flags := map[string]*flag.Flag{}
	a := newApp(func(string) string { return "" }, strings.NewReader(""), io.Discard, io.Discard)
	a.cmd = c
	a.listFlags = func(fs *flag.FlagSet) {
		fs.VisitAll(func(f *flag.Flag) { flags[f.Name] = f })
	}
	if err := c.run(ctx, a, nil); !errors.Is(err, errListFlags) {
		return nil
	}
	return flags
}

// choices returns the values a flag offers (nil for most).
func choices(f *flag.Flag) []string {
	if f == nil {
		return nil
	}
	if c, ok := f.Value.(*choice); ok {
		return c.values
	}
	return nil
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// positional counts the positional arguments among words.
func positional(words []string, flags map[string]*flag.Flag) int {
	n := 0
	for i := 0; i < len(words); i++ {
		w := words[i]
		switch {
		case w == "--":
			return n + len(words) - i - 1
		case strings.HasPrefix(w, "-") && len(w) > 1:
			if f := flags[strings.TrimLeft(w, "-")]; f != nil && !isBool(f) && !strings.Contains(w, "=") {
				i++ // its value
			}
		default:
			n++
		}
	}
	return n
}
