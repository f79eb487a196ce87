// Command gostatic answers every request with one file's bytes through a bare
// net/http handler (Content-Type and Content-Length set): the ceiling a Go
// server can reach, for bench/load.sh to compare Nashra's cached path with.
// By default it writes the bytes from memory in one write, as Nashra's page
// cache does; with --sendfile it opens the file per request and copies it to
// the socket with sendfile(2), as nginx does.
//
//	go run ./bench/gostatic --file page.html --addr 127.0.0.1:8081 [--sendfile]
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
)

func main() {
	file := flag.String("file", "", "file whose bytes every request gets")
	addr := flag.String("addr", "127.0.0.1:8081", "address to listen on")
	sendfile := flag.Bool("sendfile", false, "copy from the file with sendfile(2) instead of writing from memory")
	flag.Parse()
	body, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gostatic:", err)
		os.Exit(1)
	}
	ctype := []string{"text/html; charset=utf-8"}
	length := []string{strconv.Itoa(len(body))}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr["Content-Type"] = ctype
		hdr["Content-Length"] = length
		if !*sendfile {
			_, _ = w.Write(body)
			return
		}
		f, err := os.Open(*file)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer f.Close()
		_, _ = io.Copy(w, f) // net/http's ReadFrom hands an *os.File to sendfile(2)
	})
	if err := http.ListenAndServe(*addr, h); err != nil {
		fmt.Fprintln(os.Stderr, "gostatic:", err)
		os.Exit(1)
	}
}
