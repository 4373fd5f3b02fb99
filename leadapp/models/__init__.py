"""SQLModel tables. Importing this package registers every table on SQLModel.metadata.

Each `__tablename__ = "..."` carries `# pyright: ignore[reportAssignmentType]`: SQLModel
types the attribute as SQLAlchemy's `declared_attr`, so pyright refuses a plain string
(fastapi/sqlmodel#98); at runtime a string is what SQLModel expects.
"""

from ._base import as_utc, utcnow
from .account import AccountToken, AuditEvent, LeadAccountToken, SignInFailure
from .activity import Activity, ActivityMonthly, LeadActivityDay, LeadRollup
from .email import OutgoingEmail
from .feed import AlertEmailSearch, AlertItem, CommSettings, ListingChange, SendClaim
from .history import HistoryDay, HistoryEntry
from .jobs import JobState
from .lead import ExportLog, ImportBatch, Lead, LeadTag, RatingBucket, RatingCutoff, Tag
from .listing import Listing, ListingSent
from .mail import AppSecret, BrokerageMail, EmailSuppression
from .marketing import Campaign, CampaignStep, CampaignSubscription, Market, MarketSubscription
from .org import ApiKey, AuthSession, Brokerage, User
from .organizer import Favorite, SavedSearch
from .routing import (
    AgentAvailability,
    AgentGroup,
    AgentGroupMember,
    AlertThrottle,
    ClaimOffer,
    LeadResponse,
    Notification,
    NotificationPref,
    RoutingRule,
    RoutingSettings,
)
from .task import Task

__all__ = [
    "AgentAvailability",
    "AgentGroup",
    "AgentGroupMember",
    "AlertThrottle",
    "ClaimOffer",
    "LeadResponse",
    "Notification",
    "NotificationPref",
    "RoutingRule",
    "RoutingSettings",
    "as_utc",
    "AccountToken",
    "AuditEvent",
    "LeadAccountToken",
    "SignInFailure",
    "Activity",
    "ActivityMonthly",
    "AlertEmailSearch",
    "AlertItem",
    "CommSettings",
    "ListingChange",
    "SendClaim",
    "ApiKey",
    "AppSecret",
    "AuthSession",
    "Brokerage",
    "BrokerageMail",
    "Campaign",
    "CampaignStep",
    "CampaignSubscription",
    "EmailSuppression",
    "ExportLog",
    "Favorite",
    "HistoryDay",
    "HistoryEntry",
    "ImportBatch",
    "JobState",
    "Lead",
    "LeadActivityDay",
    "LeadRollup",
    "LeadTag",
    "Listing",
    "ListingSent",
    "Market",
    "MarketSubscription",
    "OutgoingEmail",
    "RatingBucket",
    "RatingCutoff",
    "SavedSearch",
    "Tag",
    "Task",
    "User",
    "utcnow",
]
