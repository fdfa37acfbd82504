package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/kycgo/argos"
)

func init() {
	register(&command{name: "image", args: "ID", summary: "download one image of a submission", run: runImage})
	register(&command{name: "report", args: "RESOURCE_ID", summary: "download one AML report (PDF)", run: runReport})
}

// imageTypes maps --type to the API's image types; the API's own names
// are accepted too.
var imageTypes = map[string]argos.ImageType{
	"id": argos.ImageID, "id-back": argos.ImageIDBack, "selfie": argos.ImageSelfie, "address": argos.ImageAddress,
}

func imageType(s string) (argos.ImageType, bool) {
	if t, ok := imageTypes[strings.ToLower(s)]; ok {
		return t, true
	}
	for _, t := range imageTypes {
		if string(t) == s {
			return t, true
		}
	}
	return "", false
}

// runImage saves one image of a submission to the -o file.
func runImage(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet(apiFlags)
	typ := new(string)
	choiceVar(fs, typ, "type", "selfie", "which `image`: id, id-back, selfie or address", "id", "id-back", "selfie", "address")
	out := fs.String("o", "", "`FILE` to write the image to, atomically (\"-\": standard output)")
	pos, err := a.parse(fs, args, 1)
	if err != nil {
		return err
	}
	t, ok := imageType(*typ)
	if !ok {
		return usagef("--type must be id, id-back, selfie or address")
	}
	return a.download(out, func(c *argos.Client) (*argos.Download, error) { return c.DownloadImage(ctx, pos[0], t) })
}

// runReport saves one AML report to the -o file.
func runReport(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet(apiFlags)
	out := fs.String("o", "", "`FILE` to write the report to, atomically (\"-\": standard output)")
	pos, err := a.parse(fs, args, 1)
	if err != nil {
		return err
	}
	return a.download(out, func(c *argos.Client) (*argos.Download, error) { return c.DownloadAMLReport(ctx, pos[0]) })
}

// download fetches a file and saves it to *out: all or nothing, readable
// by the owner only (argos.Download.SaveFile), or to stdout for "-".
func (a *app) download(out *string, fetch func(*argos.Client) (*argos.Download, error)) error {
	if *out == "" {
		return usagef("-o FILE is required")
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	d, err := fetch(c)
	if err != nil {
		return fmt.Errorf("downloading: %w", err)
	}
	if *out == "-" {
		if _, err := d.WriteTo(a.stdout); err != nil {
			return fmt.Errorf("downloading: %w", err)
		}
		return nil
	}
	n, err := d.SaveFile(*out)
	if err != nil {
		return fmt.Errorf("downloading: %w", err)
	}
	if a.json {
		return a.printJSON(map[string]any{"file": *out, "bytes": n, "content_type": d.ContentType})
	}
	_, err = fmt.Fprintf(a.stdout, "wrote %s (%d bytes, %s)\n", visible(*out), n, visible(d.ContentType))
	return err
}
