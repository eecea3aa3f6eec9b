package service_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"zhiban/config/configtest"
	"zhiban/fault"
	"zhiban/planner"
	"zhiban/roster"
	"zhiban/service"
	"zhiban/store"
	"zhiban/store/storetest"
	"zhiban/visits"
)

// BenchmarkDeskRegister10k registers 10,000 visits on SQLite through the
// service, 100 a day on 100 reception days (all inside the repeat window), with
// varied townships, categories and matters and one visitor in ten coming
// back. A registration is timed from the first call to the saved row, so a
// possible repeat answered by linking or 确认为新事项 counts both calls.
// Issue 13 asks for p99 < 50 ms:
//
//	go test -run '^$' -bench DeskRegister10k -benchtime 1x ./service
func BenchmarkDeskRegister10k(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		d := newDeskBench(b)
		b.StartTimer()
		per, calls := d.run(b, 100, 100)
		b.StopTimer()
		slices.Sort(per)
		slices.Sort(calls)
		b.ReportMetric(ms(pct(per, 0.50)), "p50-ms")
		b.ReportMetric(ms(pct(per, 0.99)), "p99-ms")
		b.ReportMetric(ms(per[len(per)-1]), "max-ms")
		b.ReportMetric(ms(pct(calls, 0.99)), "call-p99-ms")
		b.ReportMetric(float64(d.repeats), "repeats")
		b.StartTimer()
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func pct(sorted []time.Duration, p float64) time.Duration {
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

type deskBench struct {
	st      *store.Store
	svc     *service.Service
	rng     *rand.Rand
	seen    []visits.Visitor // earlier visitors, some of whom come back
	repeats int              // registrations saved as 重复信访
}

var (
	benchSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	benchGiven    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅春林海燕文斌辉")
	benchPlaces   = []string{"东风村", "红星村", "新河村", "三里村", "枫树村", "长岭村", "解放路", "人民路", "工业园区", "城东棚户区", "县人民医院", "老旧小区"}
	benchMatters  = []string{"拆迁补偿款至今未发放，要求按协议兑现", "企业拖欠工资三个月，要求支付", "低保资格被取消，要求重新核定",
		"宅基地界址纠纷，要求确权", "养殖场污水直排河道，要求整治", "改制后社保断缴，要求补缴", "法院判决执行不到位，要求督促",
		"村道硬化施工扬尘噪声扰民", "征收土地面积测量有误，要求复核", "医疗费用报销比例有异议"}
)

func newDeskBench(b *testing.B) *deskBench {
	st := storetest.OpenDemo(b, nil)
	svc := service.New(st, configtest.Valid(b, nil), []string{"test"})
	return &deskBench{st: st, svc: svc, rng: rand.New(rand.NewPCG(13, 2026))}
}

// run registers perDay visits on each of days reception days from 2026-12-01.
func (d *deskBench) run(b *testing.B, days, perDay int) (per, calls []time.Duration) {
	ctx := context.Background()
	first := roster.MustDate("2026-12-01")
	b.StopTimer()
	if _, err := planner.Fill(ctx, d.st, first, first.AddDays(2*days), first, "bench"); err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	for date, n := first, 0; n < days; date++ {
		if date > first.AddDays(2*days) {
			b.Fatalf("only %d reception days", n)
		}
		b.StopTimer()
		session := d.openDesk(b, date)
		b.StartTimer()
		if session == 0 {
			continue
		}
		n++
		for i := range perDay {
			call := service.Call{Actor: "desk", Now: cstDate(date, 8*60+30+i*4)}
			in := d.input(session)
			start := time.Now()
			for try := 0; ; try++ {
				t0 := time.Now()
				_, err := d.svc.RegisterVisit(ctx, call, in)
				calls = append(calls, time.Since(t0))
				var fe *fault.Error
				if err == nil {
					break
				}
				if !errors.As(err, &fe) || fe.Code != "possible_repeat" || try > 0 {
					b.Fatalf("day %s visit %d: %v", date, i, err)
				}
				// The desk links the newest match of the same person, else says it is new.
				found := fe.Items.(service.Repeats)
				if len(found.Registrations) > 0 && found.Registrations[0].Visitor.Name == in.Visitor.Name {
					in.RepeatOf = found.Registrations[0].ID
					d.repeats++
				} else {
					in.NotRepeat = true
				}
			}
			per = append(per, time.Since(start))
		}
	}
	return per, calls
}

func cstDate(d roster.Date, minutes int) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), minutes/60, minutes%60, 0, 0, shanghai)
}

// openDesk opens date's 开门接访 session as the morning follow-ups do.
func (d *deskBench) openDesk(b *testing.B, date roster.Date) int64 {
	ctx := context.Background()
	err := d.st.WithTx(ctx, func(tx *store.Store) error {
		e, err := service.NewEnv(ctx, tx, d.svc.Config(), date, "bench", service.Outbox{Job: "bench", Period: date.String()})
		if err != nil {
			return err
		}
		_, err = service.OpenReceptions(ctx, e)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	day, err := d.svc.Desk(ctx, service.Call{Actor: "desk", Now: cstDate(date, 8*60)}, date)
	if err != nil {
		b.Fatal(err)
	}
	if len(day.Sessions) == 0 {
		return 0 // nobody receives the public that day (a weekend)
	}
	return day.Sessions[0].Visit.ID
}

// input is the next visitor: one in ten someone who came before.
func (d *deskBench) input(session int64) service.RegistrationInput {
	r := d.rng
	var v visits.Visitor
	if len(d.seen) > 0 && r.IntN(10) == 0 {
		v = d.seen[r.IntN(len(d.seen))]
	} else {
		name := string(benchSurnames[r.IntN(len(benchSurnames))]) + string(benchGiven[r.IntN(len(benchGiven))])
		if r.IntN(2) == 0 {
			name += string(benchGiven[r.IntN(len(benchGiven))])
		}
		v = visits.Visitor{Name: name, Address: benchPlaces[r.IntN(len(benchPlaces))] + fmt.Sprint(r.IntN(200)+1) + "号"}
		if r.IntN(10) < 8 {
			v.IDNumber = benchID(r)
		}
		if r.IntN(10) < 9 {
			v.Phone = fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1_000_000_000))
		}
		d.seen = append(d.seen, v)
	}
	town := fmt.Sprintf("t%02d", 1+r.IntN(14))
	matter := benchPlaces[r.IntN(len(benchPlaces))] + benchMatters[r.IntN(len(benchMatters))]
	in := service.RegistrationInput{Session: session, Visitor: v, Township: town, Matter: matter,
		Category: visits.Categories[r.IntN(len(visits.Categories))], GroupSize: 1, SkippedLevel: r.IntN(20) == 0}
	if r.IntN(15) == 0 {
		in.GroupSize = 6 + r.IntN(20)
		in.Representatives = []string{"代表甲", "代表乙"}
	}
	return in
}

// benchID is a random resident ID number with a valid check digit.
func benchID(r *rand.Rand) string {
	s := fmt.Sprintf("4201%02d%04d%02d%02d%03d", r.IntN(20)+1, 1940+r.IntN(60), r.IntN(12)+1, r.IntN(28)+1, r.IntN(1000))
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(s[i]-'0') * weights[i]
	}
	return s + string("10X98765432"[sum%11])
}
