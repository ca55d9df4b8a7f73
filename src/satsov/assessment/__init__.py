"""The sovereignty assessment: scenarios, policies, denial events and kill switches from one coverage pass."""
