from bot.delivery.rate_limit import RateLimiter
from tests.delivery.fake_time import FakeTime


async def test_global_pace_has_a_margin_and_no_burst():
    t = FakeTime()
    limiter = RateLimiter(global_per_second=25, margin=0.02, monotonic=t.monotonic, sleep=t.sleep)
    grants = []
    for chat in range(1, 101):
        await limiter.acquire(chat)
        grants.append(t.now)
    # 100 grants at 24.5/s: never more than 25 inside any one-second window
    for i, start in enumerate(grants):
        assert sum(1 for g in grants[i:] if g < start + 1.0) <= 25
    rate = (len(grants) - 1) / (grants[-1] - grants[0])
    assert 24.0 < rate <= 25.0


async def test_per_chat_spacing_counts_from_the_end_of_the_previous_send():
    t = FakeTime()
    limiter = RateLimiter(global_per_second=1000, monotonic=t.monotonic, sleep=t.sleep)
    await limiter.acquire(5)
    t.now += 0.3  # the request took 300 ms
    limiter.done(5)
    start = t.now
    await limiter.acquire(5)
    assert t.now - start >= 1.0
    await limiter.acquire(6)  # another chat is not held up
    limiter.done(-100)
    assert limiter.chat_wait(-100) >= 3.0  # groups: 20 per minute


async def test_pause_holds_everyone():
    t = FakeTime()
    limiter = RateLimiter(global_per_second=1000, monotonic=t.monotonic, sleep=t.sleep)
    limiter.pause(3)
    start = t.now
    await limiter.acquire(1)
    assert t.now - start >= 3
