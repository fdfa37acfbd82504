package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Files the tool writes that may hold applicants' data (exports) or a
// record of what it did (the purge log) are the owner's alone: created with
// mode 0600, never through a symbolic link (one planted where the operator
// points -o or --log would send the data wherever it leads). oNoFollow
// (O_NOFOLLOW where the system has it) makes the open itself refuse a link,
// so that one put there after the check is refused too.

// refuseLink returns an error when name is a symbolic link. what names the
// file in the error ("the export").
func refuseLink(name, what string) error {
	fi, err := os.Lstat(name)
	if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		return fmt.Errorf("%s %s is a symbolic link: refusing to write through it (name the file itself)", what, name)
	}
	return nil
}

// createPrivate creates name, mode 0600, refusing a file that exists
// unless replace: then the old one (or the link, not what it points to) is
// removed first, so the new file has the owner and mode of a new file.
func createPrivate(name string, replace bool) (*os.File, error) {
	if replace {
		fi, err := os.Lstat(name)
		switch {
		case err == nil && fi.IsDir():
			return nil, usagef("%s is a directory", name)
		case err == nil:
			if err := os.Remove(name); err != nil {
				return nil, fmt.Errorf("replacing %s: %w", name, err)
			}
		}
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o600) //nolint:gosec // the operator names the file
	if errors.Is(err, fs.ErrExist) {
		return nil, usagef("%s exists: give --force to replace it (or --resume to continue an interrupted export to it)", name)
	}
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", name, err)
	}
	return f, nil
}

// openPrivate opens an existing file for writing with flag, refusing a
// symbolic link, and makes it the owner's alone (mode 0600).
func openPrivate(name, what string, flag int) (*os.File, error) {
	if err := refuseLink(name, what); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(name, flag|oNoFollow, 0o600) //nolint:gosec // the operator names the file
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", what, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s %s is not a regular file", what, name)
	}
	if err == nil && fi.Mode().Perm() != 0o600 {
		if cerr := f.Chmod(0o600); cerr != nil {
			err = fmt.Errorf("making %s the owner's alone: %w", what, cerr)
		}
	}
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}
