package app

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"nashra.dev/nashra/internal/config"
	"nashra.dev/nashra/internal/staff"
	"nashra.dev/nashra/internal/store"
)

// Version is set at build time with -ldflags "-X nashra.dev/nashra/internal/app.Version=…".
var Version = ""

// PrintVersion writes the version and build details.
func PrintVersion(out io.Writer) {
	v := Version
	info, ok := debug.ReadBuildInfo()
	if v == "" && ok {
		v = info.Main.Version
	}
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	goVersion := ""
	if ok {
		goVersion = info.GoVersion
	}
	fmt.Fprintf(out, "nashra %s (%s)\n", v, goVersion)
}

// Migrate brings the database schema up to date and reports what it did.
func Migrate(ctx context.Context, sc config.Site, out io.Writer) error {
	if err := sc.Validate(); err != nil {
		return err
	}
	db, err := store.Open(ctx, sc.DBURL())
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(out, "Schema is up to date (version %d, %s).\n", v, db.Dialect())
		return nil
	}
	for _, a := range applied {
		fmt.Fprintf(out, "applied %s\n", a)
	}
	fmt.Fprintf(out, "Schema is at version %d (%s).\n", v, db.Dialect())
	return nil
}

// UserAdd creates a staff account. Without a password it reads one line from
// in, and when that is empty too it generates one and prints it once.
func UserAdd(ctx context.Context, sc config.Site, u staff.NewUser, in io.Reader, out io.Writer) error {
	if err := sc.Validate(); err != nil {
		return err
	}
	generated := false
	if u.Password == "" && in != nil {
		line, err := bufio.NewReader(in).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		u.Password = strings.TrimRight(line, "\r\n")
	}
	if u.Password == "" {
		b := make([]byte, 15)
		_, _ = rand.Read(b)
		u.Password, generated = base64.RawURLEncoding.EncodeToString(b), true
	}
	db, err := openSite(ctx, sc, NewLogger(io.Discard, false))
	if err != nil {
		return err
	}
	defer db.Close()
	user, err := staff.New(db, time.Now).Create(ctx, u)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Created %s %s <%s> (id %d).\n", user.Role, user.Name, user.Email, user.ID)
	if generated {
		fmt.Fprintf(out, "Password (shown once): %s\n", u.Password)
	}
	return nil
}

// Backup writes a consistent copy of the SQLite database to file while the
// site keeps running (VACUUM INTO reads one snapshot under WAL).
func Backup(ctx context.Context, sc config.Site, file string, out io.Writer) error {
	if err := sc.Validate(); err != nil {
		return err
	}
	if store.IsPostgresURL(sc.DBURL()) {
		return errors.New("backup copies the SQLite database; for PostgreSQL use pg_dump")
	}
	if _, err := os.Stat(sc.DBURL()); err != nil {
		return fmt.Errorf("no database at %s: %w", sc.DBURL(), err)
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	if _, err := os.Stat(abs); err == nil {
		return fmt.Errorf("%s already exists: choose a new file name", file)
	}
	db, err := store.Open(ctx, sc.DBURL())
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Exec(ctx, "VACUUM INTO ?", abs); err != nil {
		return fmt.Errorf("backup to %s: %w", file, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Backed up %s to %s (%d bytes).\n", sc.DBURL(), file, st.Size())
	return nil
}
