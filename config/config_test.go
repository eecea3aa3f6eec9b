package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func noEnv(string) string { return "" }

func TestDefaults(t *testing.T) {
	c, err := Load("", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:8080" || c.HorizonDays != 60 || c.Location.String() != "Asia/Shanghai" || c.Jobs.CatchUpDays != 7 {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestExampleFileIsValidAndMatchesDefaults(t *testing.T) {
	c, err := Load("../config.example.yaml", noEnv)
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	d.Location = c.Location
	if c.Listen != d.Listen || c.Database != d.Database || c.PublicURL != d.PublicURL || c.Jobs != d.Jobs || c.HorizonDays != d.HorizonDays ||
		c.Notify.Webhook != d.Notify.Webhook || c.Notify.RemindDaysAhead != d.Notify.RemindDaysAhead ||
		c.Visits != d.Visits || !reflect.DeepEqual(c.Publish, d.Publish) || c.Metrics != d.Metrics {
		t.Fatalf("config.example.yaml does not show the defaults:\n%+v\n%+v", c, d)
	}
}

func TestErrorsNameTheKey(t *testing.T) {
	cases := []struct{ body, key string }{
		{"listn: x\n", "listn"},
		{"timezone: Mars/Olympus\n", "timezone"},
		{"horizon_days: 0\n", "horizon_days"},
		{"public_url: ftp://x\n", "public_url"},
		{"jobs:\n  extend_roster: \"\"\n", "jobs.extend_roster"},
		{"jobs:\n  catch_up_days: -1\n", "jobs.catch_up_days"},
		{"notify:\n  webhook:\n    kind: slack\n", "notify.webhook.kind"},
		{"notify:\n  smtp:\n    host: mail\n", "notify.smtp.from"},
		{"horizon_days: many\n", "horizon_days"},
		{"visits:\n  sweep_due_day: 31\n", "visits.sweep_due_day"},
		{"visits:\n  return_visit_within_days: 45\n", "visits.return_visit_within_days"},
		{"admin_token: secret\n", "admin_token"},
		{"server:\n  trusted_proxies: [\"10.0.0.0/33\"]\n", "server.trusted_proxies"},
		{"server:\n  max_conns_per_address: -1\n", "server.max_conns_per_address"},
		{"log:\n  format: xml\n", "log.format"},
		{"metrics:\n  listen: \"9090\"\n", "metrics.listen"},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			_, err := Load(write(t, tc.body), noEnv)
			if err == nil || !strings.Contains(err.Error(), tc.key) {
				t.Fatalf("error %v does not name %s", err, tc.key)
			}
		})
	}
}

func TestTrustedProxiesAreRanges(t *testing.T) {
	c, err := Load(write(t, "server:\n  trusted_proxies: [\"127.0.0.1\", \"10.0.0.0/8\", \"::1\"]\n"), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range c.Server.Proxies {
		got = append(got, n.String())
	}
	if strings.Join(got, " ") != "127.0.0.1/32 10.0.0.0/8 ::1/128" {
		t.Fatalf("proxies %v", got)
	}
}

func TestEnvOverridesFile(t *testing.T) {
	p := write(t, "listen: 0.0.0.0:9000\ndatabase: a.db\n")
	env := map[string]string{"ZHIBAN_DB": "b.db", "ZHIBAN_LISTEN": "127.0.0.1:9999"}
	c, err := Load(p, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.Database != "b.db" || c.Listen != "127.0.0.1:9999" {
		t.Fatalf("env not applied: %+v", c)
	}
	_, err = Load(p, func(k string) string {
		if k == "ZHIBAN_HORIZON_DAYS" {
			return "x"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "ZHIBAN_HORIZON_DAYS") {
		t.Fatalf("bad env value: %v", err)
	}
}

func TestMetricsListen(t *testing.T) {
	c, err := Load("", noEnv)
	if err != nil || c.Metrics.Listen != "" {
		t.Fatalf("metrics must be off by default: %q, %v", c.Metrics.Listen, err)
	}
	p := write(t, "listen: 127.0.0.1:8080\nmetrics:\n  listen: 127.0.0.1:9090\n")
	if c, err = Load(p, noEnv); err != nil || c.Metrics.Listen != "127.0.0.1:9090" {
		t.Fatalf("metrics.listen from the file: %q, %v", c.Metrics.Listen, err)
	}
	env := map[string]string{"ZHIBAN_METRICS_LISTEN": "10.0.0.5:9100"}
	if c, err = Load(p, func(k string) string { return env[k] }); err != nil || c.Metrics.Listen != "10.0.0.5:9100" {
		t.Fatalf("ZHIBAN_METRICS_LISTEN over the file: %q, %v", c.Metrics.Listen, err)
	}
	// The public address may come from the file or the environment; either way they must differ.
	for name, load := range map[string]func() (Config, error){
		"file": func() (Config, error) {
			return Load(write(t, "listen: 0.0.0.0:8080\nmetrics:\n  listen: 0.0.0.0:8080\n"), noEnv)
		},
		"env": func() (Config, error) {
			env := map[string]string{"ZHIBAN_LISTEN": "127.0.0.1:9090"}
			return Load(p, func(k string) string { return env[k] })
		},
	} {
		if _, err := load(); err == nil || !strings.Contains(err.Error(), "metrics.listen") || !strings.Contains(err.Error(), "不能与 listen 相同") {
			t.Errorf("%s: metrics.listen equal to listen: %v", name, err)
		}
	}
	c = Default()
	c.Metrics.Listen = "127.0.0.1:9090"
	c.Listen = "127.0.0.1:9090" // as serve --listen would
	if err := c.ValidateMetrics(); err == nil {
		t.Error("ValidateMetrics accepted metrics.listen equal to listen")
	}
}

func TestEmptyFileMeansDefaults(t *testing.T) {
	if _, err := Load(write(t, ""), noEnv); err != nil {
		t.Fatal(err)
	}
}

func TestFileErrorsAreChineseAndNameTheKey(t *testing.T) {
	_, err := Load(write(t, "horizon_days: many\njobs:\n  follow_upz: x\n"), noEnv)
	if err == nil {
		t.Fatal("bad file accepted")
	}
	msg := err.Error()
	for _, want := range []string{"配置项 horizon_days（第 1 行）", "应为整数", "配置项 jobs.follow_upz（第 3 行）：未知配置项"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "unmarshal") || strings.Contains(msg, "not found") {
		t.Errorf("error %q is still English", msg)
	}
}

// E-mail and robot settings are checked at start, in Chinese, naming the key.
func TestNotifySettings(t *testing.T) {
	smtp := "notify:\n  smtp:\n    host: mail.example.gov.cn\n    office: [office@example.gov.cn]\n"
	ok := []string{
		smtp + "    from: \"示例县群众工作部 <zhiban@example.gov.cn>\"\n    port: 465\n    username: zhiban\n    password: p\n",
		smtp + "    from: zhiban@example.gov.cn\n    port: 587\n    tls: starttls\n",
		"notify:\n  webhook:\n    url: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k\n    kind: wecom\n    format: markdown\n" +
			"  webhooks:\n    - url: https://oapi.dingtalk.com/robot/send?access_token=t\n      kind: dingtalk\n      secret: SECabc\n" +
			"    - url: https://oapi.dingtalk.com/robot/send?access_token=u\n      kind: dingtalk\n",
	}
	for _, body := range ok {
		if _, err := Load(write(t, body), noEnv); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
	bad := []struct{ body, key, msg string }{
		{smtp + "    from: 示例县群众工作部 zhiban@\n", "notify.smtp.from", "显示名 <地址>"},
		{smtp + "    from: zhiban@example.gov.cn\n    port: 465\n    tls: starttls\n", "notify.smtp.tls", "隐式 TLS"},
		{smtp + "    from: zhiban@example.gov.cn\n    tls: none\n    username: u\n    password: p\n", "notify.smtp.tls", "明文"},
		{smtp + "    from: zhiban@example.gov.cn\n    tls: ssl\n", "notify.smtp.tls", "无效"},
		{smtp + "    from: zhiban@example.gov.cn\n    password: p\n", "notify.smtp.username", "不能为空"},
		{"notify:\n  smtp:\n    host: m\n    from: a@b.c\n    office: [\"办公室\"]\n", "notify.smtp.office[0]", "邮箱地址"},
		{"notify:\n  webhook:\n    url: https://x/send?key=k\n    kind: wecom\n    secret: s\n", "notify.webhook.secret", "钉钉"},
		{"notify:\n  webhooks:\n    - url: https://x/send\n      kind: wecom\n      format: html\n", "notify.webhooks[0].format", "text 或 markdown"},
		{"notify:\n  webhooks:\n    - url: https://x/send\n      kind: wecom\n      name: email\n", "notify.webhooks", "重复"},
	}
	for _, tc := range bad {
		_, err := Load(write(t, tc.body), noEnv)
		if err == nil || !strings.Contains(err.Error(), tc.key) || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want %s … %s", tc.body, err, tc.key, tc.msg)
		}
	}
}
