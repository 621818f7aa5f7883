//! Contract: keys shared by every instance. The first candidate stored under a name is the key
//! for good, also when several instances ask at the same moment; names are independent.

use crate::DynCatalogStore;

pub async fn the_first_key_stored_under_a_name_is_the_one_every_caller_gets(
    store: DynCatalogStore,
) {
    let name = format!("test-key-{}", uuid::Uuid::new_v4());
    let racing: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            let name = name.clone();
            tokio::spawn(async move { store.shared_key(&name, &format!("candidate-{i}")).await })
        })
        .collect();
    let mut keys = Vec::new();
    for task in racing {
        keys.push(task.await.expect("task").expect("shared_key"));
    }
    assert!(keys.iter().all(|key| *key == keys[0]), "{keys:?}");
    assert!(keys[0].starts_with("candidate-"));
    let later = store.shared_key(&name, "another").await.unwrap();
    assert_eq!(later, keys[0], "a later candidate never replaces the key");
    let other = store
        .shared_key(&format!("{name}-other"), "other-value")
        .await
        .unwrap();
    assert_eq!(other, "other-value", "names are independent");
    assert!(store.shared_key("", "x").await.is_err());
    assert!(store.shared_key(&name, "").await.is_err());
}
