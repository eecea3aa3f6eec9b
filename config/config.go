// Package config loads zhiban's YAML configuration, applies environment and
// flag overrides, and validates every key so a bad value names itself.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"zhiban/clean"
	"zhiban/secret"
)

// Config is the whole service configuration. config.example.yaml documents every key.
type Config struct {
	Listen      string `yaml:"listen"`
	Database    string `yaml:"database"`
	Timezone    string `yaml:"timezone"`
	PublicURL   string `yaml:"public_url"`
	HorizonDays int    `yaml:"horizon_days"`
	// AdminToken was the shared API token before staff accounts. It is
	// removed: a non-empty value is an error, so an old config does not keep
	// a token that silently stopped working. Use "zhiban user token NAME".
	AdminToken string    `yaml:"admin_token"`
	Jobs       Jobs      `yaml:"jobs"`
	Notify     Notify    `yaml:"notify"`
	Publish    Publish   `yaml:"publish"`
	Visits     Visits    `yaml:"visits"`
	Server     Server    `yaml:"server"`
	Log        Log       `yaml:"log"`
	Metrics    Metrics   `yaml:"metrics"`
	Privacy    Privacy   `yaml:"privacy"`
	Documents  Documents `yaml:"documents"`
	Booking    Booking   `yaml:"booking"`

	// Location is Timezone resolved; set by Load and Validate.
	Location *time.Location `yaml:"-"`
}

// Jobs holds the cron specs (in Timezone) and the catch-up window.
type Jobs struct {
	CatchUpDays  int    `yaml:"catch_up_days"`
	ExtendRoster string `yaml:"extend_roster"`
	DutyReminder string `yaml:"duty_reminder"`
	HolidayCheck string `yaml:"holiday_check"`
	OpenSweep    string `yaml:"open_sweep"`
	PlanVisits   string `yaml:"plan_visits"`
	FollowUps    string `yaml:"follow_ups"`
	// SigninCheck is when the office hears of a roster receiving the public
	// that no duty leader signed in to (到岗签到).
	SigninCheck string `yaml:"signin_check"`
	// PurgeBookings deletes the bookings booking.retention_days after their duty day.
	PurgeBookings string `yaml:"purge_bookings"`
}

// Notify configures where reminders go.
type Notify struct {
	Log     bool    `yaml:"log"`
	Webhook Webhook `yaml:"webhook"`
	// Webhooks are further robots, e.g. a WeCom group and a DingTalk group at once.
	Webhooks []Webhook `yaml:"webhooks"`
	SMTP     SMTP      `yaml:"smtp"`
	// RemindDaysAhead is when a leader is told of a coming duty (real offices give 5 days).
	RemindDaysAhead int `yaml:"remind_days_ahead"`
}

// Visits sets the rules of the four visits and the monthly dispute sweep.
type Visits struct {
	// SweepDueDay is the day of the month units' sweep reports are due (moved to a working day).
	SweepDueDay int `yaml:"sweep_due_day"`
	// CarryVisitsPerLeader is how many 带案下访 plan-visits proposes per leader
	// and month when the leader has open cases in their linked township.
	CarryVisitsPerLeader int `yaml:"carry_visits_per_leader"`
	// ReturnVisitWithinDays is how soon after a handling opinion is served the
	// 上门回访 is planned; it always falls inside the 30-day review window.
	ReturnVisitWithinDays int `yaml:"return_visit_within_days"`
	// RepeatWindowDays is how far back the desk looks for the same
	// township, category and similar matter (重复信访); the same ID number,
	// or phone and name, matches at any age.
	RepeatWindowDays int `yaml:"repeat_window_days"`
}

// Server holds the HTTP server's limits and which proxies it believes.
type Server struct {
	// TrustedProxies are the CIDRs (or single addresses) of reverse proxies whose
	// X-Forwarded-For / X-Real-IP headers are believed; from any other peer they are ignored.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// MaxConnsPerAddress caps the open connections of one client address
	// (IPv6: one /64); trusted proxies are not capped. 0 turns the cap off.
	MaxConnsPerAddress int `yaml:"max_conns_per_address"`

	// Proxies is TrustedProxies parsed; set by Validate.
	Proxies []*net.IPNet `yaml:"-"`
}

// Log chooses how the service logs.
type Log struct {
	// Format is "text" (key=value lines) or "json" (one object a line, for collectors).
	Format string `yaml:"format"`
	// Access logs every request: method, path (no query, leader feed tokens
	// hidden), status, bytes and duration. Off by default.
	Access bool `yaml:"access"`
}

// Metrics configures the Prometheus endpoint.
type Metrics struct {
	// Listen is the address of /metrics, apart from the public one (e.g.
	// 127.0.0.1:9090); empty turns it off. It has no login: keep it private.
	Listen string `yaml:"listen"`
}

// Privacy holds the keys that seal personal data (petitioners' phones) at
// rest. The first key seals; every key opens what it sealed, so an old key
// stays listed until "zhiban privacy rotate" has resealed everything.
// ZHIBAN_PRIVACY_KEY, when set, comes before them (store.PrivacyKeys).
type Privacy struct {
	Keys []PrivacyKey `yaml:"keys"`
}

// PrivacyKey is one AES-256 key: base64 of 32 bytes, and an id stored with
// every value it seals (empty: derived from the key).
type PrivacyKey struct {
	ID  string `yaml:"id"`
	Key string `yaml:"key"`
}

// PrivacyKeys parses the configured keys.
func (c Config) PrivacyKeys() ([]secret.Key, error) {
	var out []secret.Key
	seen := map[string]bool{}
	for i, k := range c.Privacy.Keys {
		key, err := secret.ParseKey(k.ID, k.Key)
		if err != nil {
			return nil, &Error{fmt.Sprintf("privacy.keys[%d]", i), err.Error()}
		}
		if seen[key.ID] {
			return nil, &Error{fmt.Sprintf("privacy.keys[%d]", i), fmt.Sprintf("密钥编号 %s 重复", key.ID)}
		}
		seen[key.ID] = true
		out = append(out, key)
	}
	return out, nil
}

// Documents sets how official documents (告知书, 意见书, 登记表) are signed and numbered.
type Documents struct {
	// Prefix opens every 文号: 临信 in 临信受〔2027〕12号 (the county's and the
	// office's abbreviations). Empty: the county's first character + 信.
	Prefix string `yaml:"prefix"`
	// Issuer is the 发文机关 signed above the date and the seal. Empty:
	// publish.organizer, else the county's name + 群众工作部.
	Issuer string `yaml:"issuer"`
}

// Publish decides when stored duties reach the public.
type Publish struct {
	// Auto makes every stored assignment public at once. When false, a
	// month is public only after staff publish it; until then only staff see it.
	Auto bool `yaml:"auto"`
	// Organizer is the 主办单位 at the foot of the public pages and the printed
	// month; empty means the county's 群众工作部.
	Organizer string `yaml:"organizer"`
	// VisitorNotice is the 来访须知 on the public pages and the printed month,
	// one item each; an empty list shows none.
	VisitorNotice []string `yaml:"visitor_notice"`
}

// DefaultVisitorNotice is what a county tells petitioners before they come
// (信访工作条例 arts. 17–18 and 20).
var DefaultVisitorNotice = []string{
	"来访请携带本人居民身份证等有效身份证件。",
	"请逐级走访，向依法有权处理的本级或上一级机关提出；已经受理或正在办理的事项，请勿越级重复走访。",
	"多人反映共同意见的，请推选代表，代表人数不超过 5 人。",
	"也可以通过网上信访、来信或拨打 12345 政务服务便民热线反映诉求。",
}

// Webhook posts to a WeCom (企业微信) or DingTalk group robot.
type Webhook struct {
	// Name keys the robot's deliveries; default "webhook" for notify.webhook,
	// the kind (then kind-2, kind-3) in notify.webhooks.
	Name   string `yaml:"name"`
	URL    string `yaml:"url"`
	Kind   string `yaml:"kind"`   // wecom | dingtalk
	Secret string `yaml:"secret"` // DingTalk 加签 secret (SEC…)
	Format string `yaml:"format"` // text (default) | markdown
}

// Robots lists the configured robots with their channel names filled in.
func (n Notify) Robots() []Webhook {
	var out []Webhook
	if n.Webhook.URL != "" {
		w := n.Webhook
		if w.Name == "" {
			w.Name = "webhook"
		}
		out = append(out, w)
	}
	seen := map[string]int{}
	for _, w := range n.Webhooks {
		if w.Name == "" {
			seen[w.Kind]++
			w.Name = w.Kind
			if k := seen[w.Kind]; k > 1 {
				w.Name = fmt.Sprintf("%s-%d", w.Kind, k)
			}
		}
		out = append(out, w)
	}
	return out
}

// SMTP sends e-mail. Office receives the daily summary and the notices of
// leaders without an address; a leader's own e-mail comes from the county file.
type SMTP struct {
	Host     string   `yaml:"host"`
	Port     int      `yaml:"port"`
	Username string   `yaml:"username"`
	Password string   `yaml:"password"`
	From     string   `yaml:"from"`
	Office   []string `yaml:"office"`
	// TLS is auto (implicit on port 465, else STARTTLS when offered),
	// implicit, starttls (required) or none.
	TLS string `yaml:"tls"`
	// InsecureAuth allows sending the password over a connection without TLS.
	InsecureAuth bool `yaml:"insecure_auth"`
}

// Default returns the configuration used when no file is given.
func Default() Config {
	return Config{
		Listen:      "127.0.0.1:8080",
		Database:    "zhiban.db",
		Timezone:    "Asia/Shanghai",
		PublicURL:   "", // derived from each request; see config.example.yaml
		HorizonDays: 60,
		Jobs: Jobs{
			CatchUpDays:   7,
			ExtendRoster:  "10 0 * * *",
			DutyReminder:  "0 17 * * *",
			HolidayCheck:  "0 9 1 * *",
			OpenSweep:     "0 8 1 * *",
			PlanVisits:    "0 7 25 * *",
			FollowUps:     "30 7 * * *",
			SigninCheck:   "0 9 * * *",
			PurgeBookings: "20 3 * * *",
		},
		Notify:  Notify{Log: true, RemindDaysAhead: 5, Webhook: Webhook{Format: "text"}, SMTP: SMTP{Port: 25, TLS: "auto"}},
		Publish: Publish{Auto: true, VisitorNotice: slices.Clone(DefaultVisitorNotice)},
		Visits:  Visits{SweepDueDay: 10, CarryVisitsPerLeader: 1, ReturnVisitWithinDays: 15, RepeatWindowDays: 180},
		Server:  Server{TrustedProxies: []string{}, MaxConnsPerAddress: 64},
		Log:     Log{Format: "text"},
		Booking: DefaultBooking,
	}
}

// Error names the offending key.
type Error struct {
	Key string
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("配置项 %s: %s", e.Key, e.Msg) }

// Load reads path (if not empty) over the defaults, then applies ZHIBAN_*
// environment overrides from getenv, and validates the result.
func Load(path string, getenv func(string) string) (Config, error) {
	c := Default()
	if path != "" {
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return c, fmt.Errorf("配置文件 %s 不存在", path)
		}
		if err != nil {
			return c, fmt.Errorf("读取配置文件 %s 失败：%w", path, err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) { // an empty file sets nothing
			return c, fmt.Errorf("配置文件 %s: %s", path, explainYAML(data, err))
		}
	}
	if err := c.applyEnv(getenv); err != nil {
		return c, err
	}
	return c, c.Validate()
}

func (c *Config) applyEnv(getenv func(string) string) error {
	if getenv == nil {
		return nil
	}
	for key, dst := range map[string]*string{
		"ZHIBAN_DB":             &c.Database,
		"ZHIBAN_LISTEN":         &c.Listen,
		"ZHIBAN_TIMEZONE":       &c.Timezone,
		"ZHIBAN_PUBLIC_URL":     &c.PublicURL,
		"ZHIBAN_METRICS_LISTEN": &c.Metrics.Listen,
	} {
		if v := getenv(key); v != "" {
			*dst = v
		}
	}
	if v := getenv("ZHIBAN_HORIZON_DAYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return &Error{"ZHIBAN_HORIZON_DAYS", fmt.Sprintf("%q 不是整数", v)}
		}
		c.HorizonDays = n
	}
	return nil
}

// Validate checks every value and resolves the time zone.
func (c *Config) Validate() error {
	if c.Listen == "" {
		return &Error{"listen", "不能为空"}
	}
	if c.AdminToken != "" {
		return &Error{"admin_token", "已移除：请删除此项，改用个人接口令牌（zhiban user token 用户名）"}
	}
	if c.Database == "" {
		return &Error{"database", "不能为空"}
	}
	if _, err := c.PrivacyKeys(); err != nil {
		return err
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil || c.Timezone == "" || c.Timezone == "Local" {
		return &Error{"timezone", fmt.Sprintf("未知时区 %q", c.Timezone)}
	}
	c.Location = loc
	// Empty means "the address the request came to" (httpapi derives it).
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &Error{"public_url", fmt.Sprintf("%q 不是 http(s) 地址", c.PublicURL)}
		}
		c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	}
	if c.HorizonDays < 1 || c.HorizonDays > 730 {
		return &Error{"horizon_days", fmt.Sprintf("%d 超出范围（1–730）", c.HorizonDays)}
	}
	if c.Jobs.CatchUpDays < 0 || c.Jobs.CatchUpDays > 60 {
		return &Error{"jobs.catch_up_days", fmt.Sprintf("%d 超出范围（0–60）", c.Jobs.CatchUpDays)}
	}
	for key, spec := range c.JobSpecs() {
		if strings.TrimSpace(spec) == "" {
			return &Error{key, "定时规则不能为空"}
		}
	}
	if err := c.Notify.validate(); err != nil {
		return err
	}
	if err := c.Booking.validate(); err != nil {
		return err
	}
	if c.Log.Format != "text" && c.Log.Format != "json" {
		return &Error{"log.format", fmt.Sprintf("%q 无效：应为 text 或 json", c.Log.Format)}
	}
	if c.Visits.SweepDueDay < 1 || c.Visits.SweepDueDay > 28 {
		return &Error{"visits.sweep_due_day", fmt.Sprintf("%d 超出范围（1–28）", c.Visits.SweepDueDay)}
	}
	if c.Visits.CarryVisitsPerLeader < 0 || c.Visits.CarryVisitsPerLeader > 10 {
		return &Error{"visits.carry_visits_per_leader", fmt.Sprintf("%d 超出范围（0–10）", c.Visits.CarryVisitsPerLeader)}
	}
	if c.Visits.RepeatWindowDays < 1 || c.Visits.RepeatWindowDays > 3660 {
		return &Error{"visits.repeat_window_days", fmt.Sprintf("%d 超出范围（1–3660）", c.Visits.RepeatWindowDays)}
	}
	if c.Visits.ReturnVisitWithinDays < 1 || c.Visits.ReturnVisitWithinDays > 30 {
		return &Error{"visits.return_visit_within_days", fmt.Sprintf("%d 超出范围（1–30，须在 30 天复查期内）", c.Visits.ReturnVisitWithinDays)}
	}
	// Both are printed on public pages: the same text rules as staff input.
	if c.Publish.Organizer, err = clean.Text(c.Publish.Organizer, clean.Title); err != nil {
		return &Error{"publish.organizer", err.Error()}
	}
	for i, item := range c.Publish.VisitorNotice {
		v, err := clean.Text(item, clean.Line)
		if err == nil && v == "" {
			err = errors.New("不能为空（不需要须知时写 visitor_notice: []）")
		}
		if err != nil {
			return &Error{fmt.Sprintf("publish.visitor_notice[%d]", i), err.Error()}
		}
		c.Publish.VisitorNotice[i] = v
	}
	if c.Documents.Prefix, err = clean.Text(c.Documents.Prefix, clean.Name); err != nil {
		return &Error{"documents.prefix", err.Error()}
	}
	if n := len([]rune(c.Documents.Prefix)); n > 8 || strings.ContainsAny(c.Documents.Prefix, "〔〕[]0123456789") {
		return &Error{"documents.prefix", "应为不超过 8 个字的机关代字，不含年份、序号或括号（如“临信”）"}
	}
	if c.Documents.Issuer, err = clean.Text(c.Documents.Issuer, clean.Title); err != nil {
		return &Error{"documents.issuer", err.Error()}
	}
	if c.Notify.RemindDaysAhead < 0 || c.Notify.RemindDaysAhead > 30 {
		return &Error{"notify.remind_days_ahead", fmt.Sprintf("%d 超出范围（0–30）", c.Notify.RemindDaysAhead)}
	}
	if err := c.ValidateMetrics(); err != nil {
		return err
	}
	return c.Server.validate()
}

// ValidateMetrics checks metrics.listen against listen; serve calls it again
// after --listen changes the public address.
func (c *Config) ValidateMetrics() error {
	if c.Metrics.Listen == "" {
		return nil
	}
	_, port, err := net.SplitHostPort(c.Metrics.Listen)
	if err != nil || port == "" {
		return &Error{"metrics.listen", fmt.Sprintf("%q 不是“地址:端口”，如 127.0.0.1:9090", c.Metrics.Listen)}
	}
	// Port 0 is any free port, a different one for each.
	if c.Metrics.Listen == c.Listen && port != "0" {
		return &Error{"metrics.listen", fmt.Sprintf("不能与 listen 相同（%s）：指标须在单独的地址上，不对公众开放", c.Listen)}
	}
	return nil
}

func (s *Server) validate() error {
	if s.MaxConnsPerAddress < 0 || s.MaxConnsPerAddress > 100000 {
		return &Error{"server.max_conns_per_address", fmt.Sprintf("%d 超出范围（0–100000，0 表示不限制）", s.MaxConnsPerAddress)}
	}
	s.Proxies = nil
	for _, p := range s.TrustedProxies {
		p = strings.TrimSpace(p)
		if ip := net.ParseIP(p); ip != nil { // a single address is its own range
			bits := 8 * len(ip.To16())
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			p = fmt.Sprintf("%s/%d", ip, bits)
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return &Error{"server.trusted_proxies", fmt.Sprintf("%q 不是 IP 地址或网段（如 10.0.0.0/8、127.0.0.1）", p)}
		}
		s.Proxies = append(s.Proxies, n)
	}
	return nil
}

func (n Notify) validate() error {
	switch w := n.Webhook; {
	case w.URL != "":
		if err := validRobot("notify.webhook", w); err != nil {
			return err
		}
	case w.Kind != "" && w.Kind != "wecom" && w.Kind != "dingtalk":
		return &Error{"notify.webhook.kind", fmt.Sprintf("%q 无效，应为 wecom 或 dingtalk", w.Kind)}
	}
	for i, w := range n.Webhooks {
		if err := validRobot(fmt.Sprintf("notify.webhooks[%d]", i), w); err != nil {
			return err
		}
	}
	names := map[string]bool{"log": true, "email": true}
	for _, w := range n.Robots() {
		if names[w.Name] {
			return &Error{"notify.webhooks", fmt.Sprintf("通道名 %q 重复或保留：请为机器人设置不同的 name", w.Name)}
		}
		names[w.Name] = true
	}
	return n.SMTP.validate()
}

func validRobot(key string, w Webhook) error {
	switch w.Kind {
	case "wecom", "dingtalk":
	case "":
		return &Error{key + ".kind", "设置了 url 时必须指定 wecom 或 dingtalk"}
	default:
		return &Error{key + ".kind", fmt.Sprintf("%q 无效，应为 wecom 或 dingtalk", w.Kind)}
	}
	if u, err := url.Parse(w.URL); err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return &Error{key + ".url", "不是有效地址（应为机器人的 https 地址）"}
	}
	if w.Secret != "" && w.Kind != "dingtalk" {
		return &Error{key + ".secret", "只有钉钉机器人的“加签”需要 secret"}
	}
	if w.Format != "" && w.Format != "text" && w.Format != "markdown" {
		return &Error{key + ".format", fmt.Sprintf("%q 无效，应为 text 或 markdown", w.Format)}
	}
	return nil
}

func (s SMTP) validate() error {
	if s.Port < 1 || s.Port > 65535 {
		return &Error{"notify.smtp.port", fmt.Sprintf("%d 不是有效端口", s.Port)}
	}
	switch s.TLS {
	case "", "auto", "implicit", "starttls", "none":
	default:
		return &Error{"notify.smtp.tls", fmt.Sprintf("%q 无效，应为 auto、implicit、starttls 或 none", s.TLS)}
	}
	if s.Host == "" {
		return nil
	}
	if s.From == "" {
		return &Error{"notify.smtp.from", "设置了 host 时不能为空"}
	}
	if _, err := mail.ParseAddress(s.From); err != nil {
		return &Error{"notify.smtp.from", fmt.Sprintf("%q 不是有效的发件人，应为地址或“显示名 <地址>”，如 示例县群众工作部 <zhiban@example.gov.cn>", s.From)}
	}
	for i, a := range s.Office {
		if p, err := mail.ParseAddress(a); err != nil || p.Name != "" {
			return &Error{fmt.Sprintf("notify.smtp.office[%d]", i), fmt.Sprintf("%q 不是有效的邮箱地址", a)}
		}
	}
	if s.Port == 465 && (s.TLS == "starttls" || s.TLS == "none") {
		return &Error{"notify.smtp.tls", fmt.Sprintf("端口 465 是隐式 TLS，不能用 %s：改为 auto 或 implicit，或改用端口 587", s.TLS)}
	}
	if s.Password != "" && s.Username == "" {
		return &Error{"notify.smtp.username", "设置了 password 时不能为空"}
	}
	if s.Username != "" && s.TLS == "none" && !s.InsecureAuth {
		return &Error{"notify.smtp.tls", "为 none 时密码会以明文发送：请使用 auto、starttls 或 implicit（确需明文时设置 insecure_auth: true）"}
	}
	return nil
}

// JobSpecs maps each job's config key to its cron spec.
func (c *Config) JobSpecs() map[string]string {
	return map[string]string{
		"jobs.extend_roster":  c.Jobs.ExtendRoster,
		"jobs.duty_reminder":  c.Jobs.DutyReminder,
		"jobs.holiday_check":  c.Jobs.HolidayCheck,
		"jobs.open_sweep":     c.Jobs.OpenSweep,
		"jobs.plan_visits":    c.Jobs.PlanVisits,
		"jobs.follow_ups":     c.Jobs.FollowUps,
		"jobs.signin_check":   c.Jobs.SigninCheck,
		"jobs.purge_bookings": c.Jobs.PurgeBookings,
	}
}

var (
	yamlProblem = regexp.MustCompile(`line (\d+): (.*)`)
	unknownKey  = regexp.MustCompile(`^field (\S+) not found`)
	wrongType   = regexp.MustCompile("^cannot unmarshal !!\\w+ `(.*)` into (\\S+)")
)

// explainYAML turns yaml.v3's English decode errors into Chinese ones that
// name the key: "配置项 jobs.follow_upz（第 3 行）：未知配置项".
func explainYAML(data []byte, err error) string {
	var root yaml.Node
	keys := map[int]string{}
	if yaml.Unmarshal(data, &root) == nil {
		keyLines(&root, "", keys)
	}
	var out []string
	for _, m := range yamlProblem.FindAllStringSubmatch(err.Error(), -1) {
		line, _ := strconv.Atoi(m[1])
		msg := m[2]
		switch {
		case unknownKey.MatchString(msg):
			msg = "未知配置项"
		case wrongType.MatchString(msg):
			w := wrongType.FindStringSubmatch(msg)
			kind := map[string]string{"int": "整数", "bool": "true 或 false", "string": "文本"}[w[2]]
			if kind == "" {
				kind = "正确的类型"
			}
			msg = fmt.Sprintf("值 %q 无效，应为%s", w[1], kind)
		}
		if key := keys[line]; key != "" {
			out = append(out, fmt.Sprintf("配置项 %s（第 %d 行）：%s", key, line, msg))
		} else {
			out = append(out, fmt.Sprintf("第 %d 行：%s", line, msg))
		}
	}
	if len(out) == 0 {
		return strings.TrimPrefix(err.Error(), "yaml: ")
	}
	return strings.Join(out, "；")
}

// keyLines records the dotted key path written on each line of the file.
func keyLines(n *yaml.Node, prefix string, out map[int]string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			keyLines(c, prefix, out)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			out[k.Line] = prefix + k.Value
			keyLines(v, prefix+k.Value+".", out)
		}
	}
}
