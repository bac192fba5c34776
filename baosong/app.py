"""The running application: loaded config plus an open ledger. Shared by the CLI and the daemon."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from baosong.config.loader import Config, load_config, secret

if TYPE_CHECKING:  # the ORM and the SMTP client load only when a command opens them (start-up time)
    from datetime import datetime

    from sqlalchemy.orm import Session, sessionmaker

    from baosong.ledger.outbox import DeliveryPolicy
    from baosong.ledger.periods import Period
    from baosong.ledger.scoring import UnitScore
    from baosong.notify.send import SmtpTransport


@dataclass
class App:
    config: Config

    @classmethod
    def open(cls, config_dir: Path | str | None = None) -> App:
        app = cls(load_config(config_dir))
        app.use_templates()
        return app

    def use_templates(self) -> None:
        """The config directory's own ``templates/`` folder, if any, overrides the shipped templates."""
        from baosong.notify.overrides import use_config_templates

        use_config_templates(self.config.directory)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        from sqlalchemy.exc import IntegrityError

        from baosong.ledger.db import make_sessionmaker
        from baosong.ledger.units import sync_units_if_changed

        sessions = make_sessionmaker(self.config.database_url)
        for attempt in (1, 2):
            with sessions() as session:
                try:
                    if sync_units_if_changed(session, self.config.units):
                        session.commit()
                    break
                except IntegrityError:   # another process synced the same units a moment ago: again
                    session.rollback()
                    if attempt == 2:
                        raise
        return sessions

    def period_scores(self, period: Period, now: datetime | None = None) -> list[UnitScore]:
        """Score any period (month, quarter, half-year, year) under the configured regime, commission statuses
        as of ``now`` (default: the current time). Loads only the ledger and the regime (``score``'s start-up)."""
        from baosong.ledger.scoring import ledger_scores

        cfg = self.config
        with self.sessions() as session:
            return ledger_scores(session, period, cfg.scoring, cfg.tz, now=now, **self.scoring_options())

    def scoring_options(self) -> dict[str, Any]:
        """What scoring reads from units.yaml and settings.yaml besides the regime, as keyword arguments of
        ``ledger_scores`` and ``export_ledger``: units' groups and 直报点, periodic deadlines, and the first
        day of ``ledger_start`` (None: the ledger holds every period)."""
        from baosong.ledger.periods import Month

        cfg = self.config
        start = cfg.settings.ledger_start
        return {"groups": {u.name: u.group for u in cfg.units}, "counts_for": {u.name: u.counts_for for u in cfg.units},
                "periodic": cfg.settings.commissions.periodic,
                "since": None if start is None else Month.parse(start).first_day()}

    def delivery_policy(self) -> DeliveryPolicy:
        from baosong.ledger.outbox import DeliveryPolicy

        sending = self.config.settings.sending
        return DeliveryPolicy(per_minute=sending.per_minute, retry_minutes=sending.retry_minutes,
                              spam_retry_minutes=sending.spam_retry_minutes)

    def smtp_transport(self) -> SmtpTransport | None:
        from baosong.notify.send import SmtpTransport

        smtp = self.config.settings.smtp
        if smtp is None:
            return None
        return SmtpTransport(
            host=smtp.host, port=smtp.port, sender=smtp.sender, use_ssl=smtp.ssl, starttls=smtp.starttls,
            username=smtp.username, password=secret(smtp.password, smtp.password_env), timeout=smtp.timeout,
            helo=smtp.helo,
        )
