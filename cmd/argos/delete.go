package main

import (
	"context"
	"fmt"

	"github.com/kycgo/argos"
)

func init() {
	register(&command{name: "delete", args: "ID", summary: "delete one submission's personal data and images", run: runDelete})
}

// runDelete deletes one submission, naming --admin as the admin who did
// (Argos sends its delete webhook only then).
func runDelete(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet()
	admin := fs.String("admin", "", "dashboard admin `NAME` to record as the deleter (needed for the delete webhook)")
	pos, err := a.parse(fs, args, 1)
	if err != nil {
		return err
	}
	c, err := a.client()
	if err != nil {
		return err
	}
	res, err := c.DeleteSubmission(ctx, &argos.DeleteSubmissionRequest{SubmissionID: pos[0], Admin: *admin})
	if err != nil {
		return fmt.Errorf("deleting the submission: %w", err)
	}
	if a.json {
		return a.printJSON(map[string]string{"submission_id": pos[0], "message": res.Message, "content": res.Content})
	}
	_, err = fmt.Fprintf(a.stdout, "deleted %s\n", pos[0])
	return err
}
