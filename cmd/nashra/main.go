// Command nashra runs a news site: 'nashra serve' and nothing else.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kong"

	"nashra.dev/nashra/internal/app"
	"nashra.dev/nashra/internal/config"
	"nashra.dev/nashra/internal/staff"
)

type cli struct {
	Serve   serveCmd   `cmd:"" help:"Run the site (public pages, feeds, admin)."`
	Migrate migrateCmd `cmd:"" help:"Create or upgrade the database schema."`
	User    struct {
		Add userAddCmd `cmd:"" help:"Create a staff account."`
	} `cmd:"" help:"Manage staff accounts."`
	Backup  backupCmd  `cmd:"" help:"Copy the SQLite database consistently while the site runs."`
	Reindex reindexCmd `cmd:"" help:"Rebuild the search index of every post."`
	Wire    struct {
		Extract wireExtractCmd `cmd:"" help:"Print the title, byline, date and text of one article page (a file or a URL)."`
		Fetch   wireFetchCmd   `cmd:"" help:"Poll the wire sources that are due (or all with --all) once and print a report per source."`
	} `cmd:"" help:"Wire desk tools."`
	Version versionCmd `cmd:"" help:"Print the version."`
}

type serveCmd struct{ config.Server }

func (c *serveCmd) Run(ctx context.Context) error { return app.Serve(ctx, c.Server, os.Stdout) }

type migrateCmd struct{ config.Site }

func (c *migrateCmd) Run(ctx context.Context) error { return app.Migrate(ctx, c.Site, os.Stdout) }

type userAddCmd struct {
	config.Site
	Email    string `required:"" help:"Email address (the login)."`
	Name     string `required:"" help:"Display name, shown as the byline."`
	Role     string `default:"author" enum:"owner,administrator,editor,author,contributor" help:"Role: ${enum}."`
	Password string `env:"NASHRA_PASSWORD" help:"Password; when absent it is read from standard input, or generated."`
}

func (c *userAddCmd) Run(ctx context.Context) error {
	return app.UserAdd(ctx, c.Site, staff.NewUser{Email: c.Email, Name: c.Name, Role: staff.Role(c.Role), Password: c.Password}, os.Stdin, os.Stdout)
}

type backupCmd struct {
	config.Site
	File string `arg:"" help:"File to write the copy to (must not exist)."`
}

func (c *backupCmd) Run(ctx context.Context) error { return app.Backup(ctx, c.Site, c.File, os.Stdout) }

type reindexCmd struct{ config.Site }

func (c *reindexCmd) Run(ctx context.Context) error { return app.Reindex(ctx, c.Site, os.Stdout) }

type wireExtractCmd struct {
	Source       string        `arg:"" name:"file-or-url" help:"A saved page, or an http(s) URL to fetch."`
	AllowPrivate bool          `help:"Allow fetching from any address, private and loopback ones included (local testing only)."`
	Allow        []string      `placeholder:"CIDR" help:"Addresses or CIDR prefixes that may be fetched although not public; repeatable."`
	Timeout      time.Duration `default:"60s" help:"Give up on a URL after this long."`
}

func (c *wireExtractCmd) Run(ctx context.Context) error {
	return app.WireExtract(ctx, app.WireExtractOptions{Source: c.Source, Allow: c.Allow, AllowPrivate: c.AllowPrivate, Timeout: c.Timeout}, os.Stdout)
}

type wireFetchCmd struct {
	config.Site
	All           bool          `help:"Poll every active source, not only those due."`
	AllowPrivate  bool          `help:"Allow fetching from any address, private and loopback ones included (local testing only)."`
	Allow         []string      `placeholder:"CIDR" help:"Addresses or CIDR prefixes that may be fetched although not public; repeatable."`
	SourceTimeout time.Duration `default:"2m" help:"Give up on one source (its feed and pages) after this long."`
}

func (c *wireFetchCmd) Run(ctx context.Context) error {
	return app.WireFetch(ctx, c.Site, app.WireFetchOptions{All: c.All, Allow: c.Allow, AllowPrivate: c.AllowPrivate,
		SourceTimeout: c.SourceTimeout}, os.Stdout)
}

type versionCmd struct{}

func (versionCmd) Run() error { app.PrintVersion(os.Stdout); return nil }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var c cli
	k := kong.Parse(&c, kong.Name("nashra"),
		kong.Description("Nashra: a self-hosted, Arabic-first news publishing platform."),
		kong.UsageOnError(), kong.BindTo(ctx, (*context.Context)(nil)))
	if err := k.Run(ctx); err != nil {
		// One line, whatever the driver's message looks like: operators grep logs.
		fmt.Fprintln(os.Stderr, "nashra: error:", strings.Join(strings.Fields(err.Error()), " "))
		os.Exit(1)
	}
}
