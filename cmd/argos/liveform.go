package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kycgo/argos"
)

func init() {
	register(&command{name: "liveform-url", summary: "print a link to the hosted liveform for an applicant", run: runLiveformURL})
}

// runLiveformURL prints the hosted liveform's URL for the parameters given
// by flags, built by argos.LiveformURL, or with --encrypt by
// argos.LiveformURLEncrypted (everything but pid and lang encrypted with
// $ARGOS_API_KEY or the --key-file key). The URL is printed as built: it
// is the output asked for, so --show-pii does not apply (a plain URL holds
// the email and user ID given). Input the SDK refuses exits 2.
func runLiveformURL(_ context.Context, a *app, args []string) error {
	fs := a.flagSet(withJSON)
	var p argos.LiveformParams
	var countries, keyFile string
	var encrypt bool
	fs.StringVar(&p.ProjectID, "pid", "", "the project's `ID` (required)")
	fs.StringVar(&p.Email, "email", "", "the applicant's email `address`")
	fs.StringVar(&p.UserID, "userid", "", "your `ID` for the applicant")
	fs.StringVar(&p.CF1, "cf1", "", "custom field 1, returned with the submission")
	fs.StringVar(&p.CF2, "cf2", "", "custom field 2")
	fs.StringVar(&p.CF3, "cf3", "", "custom field 3")
	fs.StringVar(&p.Lang, "lang", "", "the form's `language`, such as ko or en")
	fs.StringVar(&p.Token, "token", "", "the private-mode token `ID`")
	fs.StringVar(&countries, "allowed-countries", "", "accept only IDs issued by these `countries` (ISO alpha-3, comma-separated, like USA,KOR; needs --encrypt)")
	fs.BoolVar(&encrypt, "encrypt", false, "encrypt every parameter but pid and lang with $"+envAPIKey+" (the dashboard's encryption-only mode)")
	fs.StringVar(&keyFile, "key-file", "", "`FILE` holding the key for --encrypt instead of $"+envAPIKey+", such as the liveform secretKey (implies --encrypt)")
	if _, err := a.parse(fs, args, 0); err != nil {
		return err
	}
	encrypt = encrypt || keyFile != ""
	if strings.TrimSpace(p.ProjectID) == "" {
		return usagef("--pid is required")
	}
	if countries != "" {
		if !encrypt {
			return usagef("--allowed-countries needs --encrypt (Argos ignores it in a plain URL)")
		}
		for _, c := range strings.Split(countries, ",") {
			p.AllowedCountries = append(p.AllowedCountries, strings.TrimSpace(c))
		}
	}
	var u string
	var err error
	if encrypt {
		key, kerr := a.secretKey(keyFile)
		if kerr != nil {
			return kerr
		}
		u, err = argos.LiveformURLEncrypted(&p, key)
	} else {
		u, err = argos.LiveformURL(&p)
	}
	if ve := (*argos.ValidationError)(nil); errors.As(err, &ve) {
		return flagUsage(liveformFlags, ve)
	}
	if err != nil {
		return fmt.Errorf("building the URL: %w", err)
	}
	if a.json {
		return a.printJSON(map[string]any{"url": u, "encrypted": encrypt})
	}
	_, err = fmt.Fprintln(a.stdout, u)
	return err
}

// liveformFlags maps LiveformParams' field names to the flags that set
// them, so that a validation error names the flag.
var liveformFlags = strings.NewReplacer(
	"ProjectID", "--pid", "Email", "--email", "UserID", "--userid", "CF1", "--cf1", "CF2", "--cf2", "CF3", "--cf3",
	"Lang", "--lang", "Token", "--token", "AllowedCountries", "--allowed-countries",
)
