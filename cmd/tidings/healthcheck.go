package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
)

func newHealthcheckCmd(a *app) *cobra.Command {
	var url string
	cmd := &cobra.Command{
		Use:   "healthcheck",
		Short: "Exit 0 when the local serve answers /readyz (for container health checks)",
		Long: `Healthcheck asks the running "tidings serve" whether it is ready: it gets
/readyz on server.http_listen (0.0.0.0 and :: are asked on the loopback
address) and exits 0 on 200, 1 otherwise. It needs no shell or curl, so
it works in the distroless image.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if url == "" {
				cfg, err := a.loadConfig()
				if err != nil {
					return err
				}
				url = readyURL(cfg.Server.HTTPListen)
			}
			return checkReady(cmd.Context(), url)
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "URL to get instead of http://HTTP_LISTEN/readyz")
	return cmd
}

// readyURL is the /readyz URL of a server listening on addr.
func readyURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr + "/readyz"
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz"
}

// checkReady gets url within 5 s; anything but 200 is exit 1.
func checkReady(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("healthcheck: %v", err)}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return &exitError{code: 1, msg: fmt.Sprintf("healthcheck: %v", err)}
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &exitError{code: 1, msg: fmt.Sprintf("healthcheck: %s: %s", url, resp.Status)}
	}
	return nil
}
