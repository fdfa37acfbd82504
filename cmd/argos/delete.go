package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/kycgo/argos"
)

func init() {
	register(&command{name: "delete", args: "ID", summary: "delete one submission's personal data and images", run: runDelete})
}

// runDelete deletes one submission, naming --admin as the admin who did
// (Argos sends its delete webhook only then). A submission deleted before
// is reported as "already deleted" with exit code 0, as purge counts it:
// the API answers not found, and the submission reads as deleted
// (argos.Submission.Deleted). An ID with no submission at all fails.
func runDelete(ctx context.Context, a *app, args []string) error {
	fs := a.flagSet(apiFlags)
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
	if errors.Is(err, argos.ErrNotFound) {
		s, gerr := c.GetSubmission(ctx, pos[0])
		switch {
		case gerr == nil && s.Deleted():
			if a.json {
				return a.printJSON(map[string]any{"submission_id": pos[0], "already_deleted": true})
			}
			_, err = fmt.Fprintf(a.stdout, "already deleted %s\n", visible(pos[0]))
			return err
		case errors.Is(gerr, argos.ErrNotFound):
			return fmt.Errorf("deleting the submission: no submission has this ID: %w", err)
		}
	}
	if err != nil {
		return fmt.Errorf("deleting the submission: %w", err)
	}
	if a.json {
		return a.printJSON(map[string]string{"submission_id": pos[0], "message": res.Message, "content": res.Content})
	}
	_, err = fmt.Fprintf(a.stdout, "deleted %s\n", visible(pos[0]))
	return err
}
