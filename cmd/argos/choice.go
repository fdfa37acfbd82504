package main

import "flag"

// choice is a string flag whose values are a known list, offered by the
// shell completion. It accepts any value: the command checks it, with a
// message that names the flag.
type choice struct {
	p      *string
	values []string
}

func (c *choice) String() string {
	if c.p == nil {
		return ""
	}
	return *c.p
}

func (c *choice) Set(v string) error { *c.p = v; return nil }

// choiceVar defines a string flag with a list of values.
func choiceVar(fs *flag.FlagSet, p *string, name, value, usage string, values ...string) {
	*p = value
	fs.Var(&choice{p: p, values: values}, name, usage)
}

// names returns the SDK's typed names as strings.
func names[T ~string](ts []T) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = string(t)
	}
	return out
}
