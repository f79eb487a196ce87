// Command nashra runs a news site: 'nashra serve' and nothing else.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

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
