package county

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"zhiban/clean"
	"zhiban/roster"
)

// Parse reads a county file. It is strict: unknown keys, wrong types, missing
// required fields, bad values and dangling references are all errors. When
// anything is wrong it returns Errors, each naming filename, line and field.
func Parse(filename string, data []byte) (*County, error) {
	c, _, err := parse(filename, data)
	return c, err
}

// MaxFileSize bounds a county file. A county of several hundred leaders is
// well under 100 KB; the bound keeps a mistaken or hostile file from filling
// memory before any check runs.
const MaxFileSize = 1 << 20

// maxAliasNodes is how many nodes YAML aliases (*name) may add on top of the
// nodes written out in the file. Aliases let 50 KB stand for millions of
// entries (one pool aliased 5,000 times); a real file repeats a few lists.
const maxAliasNodes = 10000

// parse is Parse that also returns how many nodes the decoder visited, so a
// test can see that an alias bomb is cut short.
func parse(filename string, data []byte) (*County, int, error) {
	if len(data) > MaxFileSize {
		return nil, 0, Errors{{File: filename, Msg: fmt.Sprintf("文件过大：%.1f MB，县情文件最多 %d MB", float64(len(data))/(1<<20), MaxFileSize>>20)}}
	}
	if line, ok := invalidUTF8(data); !ok {
		return nil, 0, Errors{{File: filename, Line: line, Msg: "含有无法识别的字符：文件不是 UTF-8 编码（常见于 GBK 编码保存的文件），请在编辑器中另存为 UTF-8 后重试"}}
	}
	root, ferr := parseNode(filename, data)
	if ferr != nil {
		return nil, 0, Errors{ferr}
	}
	d := &decoder{file: filename, lines: map[string]int{}, bad: map[string]bool{}, budget: written(root) + maxAliasNodes}
	c := new(County)
	d.decode(root, reflect.ValueOf(c).Elem(), "", "")
	if d.visited > d.budget {
		// What was decoded is cut short: its other errors would mislead.
		return nil, d.visited, Errors{d.errs[len(d.errs)-1]}
	}
	chk := &checker{file: filename, lines: d.lines, bad: d.bad}
	chk.county(c)
	if err := asError(append(d.errs, chk.errs...)); err != nil {
		return nil, d.visited, err
	}
	return c, d.visited, nil
}

// invalidUTF8 finds the line of the first byte that is not UTF-8.
func invalidUTF8(data []byte) (line int, ok bool) {
	if utf8.Valid(data) {
		return 0, true
	}
	for i := 0; i < len(data); {
		r, n := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && n <= 1 {
			return bytes.Count(data[:i], []byte("\n")) + 1, false
		}
		i += n
	}
	return 0, false
}

// written counts the nodes as written in the file, an alias counting as one.
func written(n *yaml.Node) int {
	count := 1
	if n.Kind != yaml.AliasNode {
		for _, c := range n.Content {
			count += written(c)
		}
	}
	return count
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseNode parses exactly one YAML document whose root is a mapping.
func parseNode(filename string, data []byte) (root *yaml.Node, ferr *FileError) {
	defer func() {
		// yaml.v3 is not supposed to panic, but a county file is user input
		// and the importer must fail with a message, never crash.
		if r := recover(); r != nil {
			root, ferr = nil, &FileError{File: filename, Msg: fmt.Sprintf("YAML 解析失败：%v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &FileError{File: filename, Msg: "文件为空"}
		}
		return nil, syntaxError(filename, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &FileError{File: filename, Line: extra.Line, Msg: "文件只能包含一个 YAML 文档"}
	} else if !errors.Is(err, io.EOF) {
		return nil, syntaxError(filename, err)
	}
	if len(doc.Content) == 0 {
		return nil, &FileError{File: filename, Msg: "文件为空"}
	}
	root = resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, &FileError{File: filename, Line: root.Line, Msg: "文件顶层应为映射（键: 值）"}
	}
	return root, nil
}

// parserProblems are the messages of yaml.v3's parser (as opposed to its
// scanner). For these it reports a 0-based line, and none at all for the first line.
var parserProblems = []string{
	"did not find expected <stream-start>", "did not find expected <document start>",
	"found undefined tag handle", "did not find expected node content",
	"did not find expected '-' indicator", "did not find expected key",
	"did not find expected ',' or ']'", "did not find expected ',' or '}'",
	"found duplicate %YAML directive", "found incompatible YAML document",
	"found duplicate %TAG directive",
}

func syntaxError(filename string, err error) *FileError {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	for _, p := range parserProblems {
		if msg == p {
			line++
			break
		}
	}
	return &FileError{File: filename, Line: line, Msg: "YAML 语法错误：" + explainSyntax(msg)}
}

// syntaxHints says in Chinese what yaml.v3's commonest complaints mean and
// what usually causes them; the original text follows for the rare others.
var syntaxHints = map[string]string{
	"found a tab character":                                  "用了 Tab 缩进，请改用空格",
	"found character that cannot start any token":            "出现了不能作为开头的字符（常见原因：用了 Tab 缩进，请改用空格）",
	"did not find expected key":                              "缩进或格式有误，此处应为“字段: 值”",
	"did not find expected ',' or '}'":                       "花括号 { } 内缺少逗号或右括号",
	"did not find expected ',' or ']'":                       "方括号 [ ] 内缺少逗号或右括号",
	"did not find expected '-' indicator":                    "列表项应以“- ”开头，且缩进一致",
	"mapping values are not allowed in this context":         "此处不能出现“字段: 值”（常见原因：冒号后缺少空格，或缩进错误）",
	"could not find expected ':'":                            "缺少冒号“:”",
	"found unexpected end of stream":                         "文件意外结束（引号或括号没有闭合）",
	"found unknown escape character":                         "双引号内有无效的转义字符（路径中的 \\ 请写成 \\\\ 或改用单引号）",
	"did not find expected node content":                     "此处缺少值",
	"block sequence entries are not allowed in this context": "此处不能出现列表项“- ”（常见原因：缩进错误）",
	"control characters are not allowed":                     "含有不可见的控制字符，请删除后重试",
}

func explainSyntax(msg string) string {
	for en, zh := range syntaxHints {
		if strings.HasPrefix(msg, en) {
			return zh
		}
	}
	return msg
}

// resolve follows aliases to the anchored node.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// decoder walks the node tree along the Go types, so recursion is bounded by
// the schema's depth whatever aliases the file contains. It records the line
// of every field path for the checker and marks paths with type errors as bad
// so the checker does not report follow-up noise for them.
type decoder struct {
	file  string
	lines map[string]int
	bad   map[string]bool
	errs  []*FileError
	// visited counts nodes decoded, through aliases too; past budget the
	// decoder stops with one error.
	visited, budget int
}

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.bad[path] = true
	d.errs = append(d.errs, &FileError{File: d.file, Line: n.Line, Field: path, Msg: fmt.Sprintf(format, args...)})
}

func (d *decoder) at(path string, line int) {
	if _, ok := d.lines[path]; !ok {
		d.lines[path] = line
	}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// decode fills v from n. kind is the field's clean tag: how a string value
// is normalised (see normalise).
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path, kind string) {
	if d.visited++; d.visited > d.budget {
		if d.visited == d.budget+1 {
			d.fail(n, path, "YAML 别名（*）展开后内容过多（超过 %d 项），请直接写出各项，不要反复引用同一段", d.budget)
		}
		return
	}
	n = resolve(n)
	d.at(path, n.Line)
	if n.Kind == yaml.AliasNode {
		d.fail(n, path, "无法解析的 YAML 别名")
		return
	}
	if isNull(n) {
		return // an empty value leaves the field as it is
	}
	switch v.Kind() {
	case reflect.Struct:
		d.mapping(n, v, path)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, path, "应为列表")
			return
		}
		if len(n.Content) == 0 {
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			if d.visited > d.budget {
				break
			}
			d.decode(item, s.Index(i), fmt.Sprintf("%s[%d]", path, i), kind)
		}
		v.Set(s)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "应为文本")
			return
		}
		// A phone 13800000001 or a date 2027-03-01 is read as text, as typed.
		v.SetString(normalise(n.Value, kind))
	case reflect.Int:
		i, err := strconv.ParseInt(strings.TrimSpace(clean.Narrow(n.Value)), 10, 32)
		if n.Kind != yaml.ScalarNode || err != nil {
			d.fail(n, path, "应为整数，实际为 %s", describe(n))
			return
		}
		v.SetInt(i)
	case reflect.Pointer:
		var b bool
		if v.Type().Elem().Kind() != reflect.Bool || n.Kind != yaml.ScalarNode || n.Decode(&b) != nil {
			d.fail(n, path, "应为 true 或 false，实际为 %s", describe(n))
			return
		}
		v.Set(reflect.ValueOf(&b))
	default:
		panic("county: unsupported field type " + v.Type().String())
	}
}

// mapping fills a struct from a mapping node, rejecting unknown and repeated keys.
func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "应为映射（键: 值），实际为 %s", describe(n))
		return
	}
	fields := yamlFields(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.fail(k, path, "字段名应为文本")
			continue
		}
		key := k.Value
		child := key
		if path != "" {
			child = path + "." + key
		}
		if k.ShortTag() == "!!merge" {
			d.fail(k, child, "不支持 YAML 合并键 <<，请直接写出字段")
			continue
		}
		idx, ok := fields[key]
		if !ok {
			if utf8.RuneCountInString(key) > clean.Code {
				child = path // a key of 300,000 characters is not repeated in the path
			}
			d.fail(k, child, "未知字段 %s（可用字段：%s）", clean.Quote(key), strings.Join(fieldNames(v.Type()), "、"))
			continue
		}
		if seen[key] {
			d.fail(k, child, "字段 %q 重复", key)
			continue
		}
		seen[key] = true
		d.at(child, k.Line)
		d.decode(val, v.Field(idx), child, fieldKind(v.Type(), idx))
	}
}

// fieldKind is a field's clean tag. roster.Links is not ours to tag: its
// township is a unit id.
func fieldKind(t reflect.Type, i int) string {
	f := t.Field(i)
	if k := f.Tag.Get("clean"); k != "" {
		return k
	}
	if t == reflect.TypeOf(roster.Links{}) && f.Name == "Township" {
		return "code"
	}
	return ""
}

// normalise folds what clerks' input methods type (full-width digits and
// letters, ２０２７/３/８) in codes, phones, e-mail, clocks and dates, and
// writes dates as YYYY-MM-DD. Prose keeps its full-width punctuation. A
// value that is still wrong is left for the checker, which quotes it.
func normalise(s, kind string) string {
	switch kind {
	case "code", "phone", "email", "clock":
		return strings.TrimSpace(clean.Narrow(s))
	case "date":
		if d, err := clean.Date(s); err == nil {
			return d
		}
		return strings.TrimSpace(clean.Narrow(s))
	}
	return s
}

// describe names a node's kind for type errors, in Chinese.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "映射"
	case yaml.SequenceNode:
		return "列表"
	default:
		return strconv.Quote(n.Value)
	}
}

// yamlFields maps yaml key names to struct field indexes.
func yamlFields(t reflect.Type) map[string]int {
	m := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		if name := yamlName(t.Field(i)); name != "" {
			m[name] = i
		}
	}
	return m
}

func fieldNames(t reflect.Type) []string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		if name := yamlName(t.Field(i)); name != "" {
			names = append(names, name)
		}
	}
	return names
}

func yamlName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		name = strings.ToLower(f.Name)
	}
	return name
}
